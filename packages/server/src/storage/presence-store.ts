/**
 * Agent presence across nodes: which node each connected agent is on, and when each node last
 * said it is running. An agent counts as online while its row names a node whose heartbeat is
 * recent, so the connections of a node that died stop counting without anyone cleaning up.
 */
export interface PresenceStore {
  /** The device's agent connected to `node` at `at` (a later connection elsewhere wins). */
  connected(deviceId: string, node: string, at: string): Promise<void>;
  /** Its connection to `node` ended (one it has since made to another node stays). */
  disconnected(deviceId: string, node: string): Promise<void>;
  /** `node` is running at `at`. */
  heartbeat(node: string, at: string): Promise<void>;
  /** Drops what `node` recorded before (a node starting again under the same id). */
  clearNode(node: string): Promise<void>;
  /**
   * Of these devices, those connected to a node other than `except` whose heartbeat is later
   * than `after` (the asking node knows its own connections better than its pending writes).
   */
  onlineOf(deviceIds: readonly string[], after: string, except: string): Promise<string[]>;
  /** How many devices are connected to such nodes. */
  onlineCount(after: string, except: string): Promise<number>;
}
