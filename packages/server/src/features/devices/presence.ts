/**
 * Agent presence across the nodes of a cluster. Each node's gateway knows only its own
 * connections; this records every connect and disconnect in the store with the node's id, and
 * the node's heartbeat, so any node can tell whether a device is online anywhere. A node that
 * dies stops its heartbeat, and its agents stop counting after `staleMs` (they reconnect to
 * another node). Writes are not awaited by the gateway: a failed one is logged and the next
 * connect or heartbeat repairs it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PresenceStore } from '../../storage/presence-store.js';

export interface PresenceDeps {
  readonly store: PresenceStore;
  readonly node: string;
  readonly now: () => Date;
  /** This node's own connections, known at once. */
  readonly local: { isOnline(deviceId: string): boolean; readonly onlineCount: number };
  readonly heartbeatMs: number;
  readonly textLog: FastifyBaseLogger;
}

export class Presence {
  readonly #deps: PresenceDeps;
  /** Per device, its latest write: a device's writes run in order (connect, then disconnect). */
  readonly #writes = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: PresenceDeps) {
    this.#deps = deps;
  }

  /** Forgets this node's rows from a previous run and starts its heartbeat. */
  async start(): Promise<void> {
    const { store, node } = this.#deps;
    await store.clearNode(node);
    await this.#beat();
    this.#timer = setInterval(() => void this.#beat(), this.#deps.heartbeatMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The gateway's observer: a device's connection here opened or closed. */
  observe(deviceId: string, online: boolean): void {
    const { store, node } = this.#deps;
    const at = this.#deps.now().toISOString();
    const write = (this.#writes.get(deviceId) ?? Promise.resolve())
      .then(() =>
        online ? store.connected(deviceId, node, at) : store.disconnected(deviceId, node),
      )
      .catch((error: unknown) =>
        this.#deps.textLog.error({ err: error, deviceId }, 'agent presence not recorded'),
      )
      .finally(() => {
        if (this.#writes.get(deviceId) === write) this.#writes.delete(deviceId);
      });
    this.#writes.set(deviceId, write);
  }

  /** Resolves once the writes asked for so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.#writes.values());
  }

  /** Which of these devices are online on any node. */
  async onlineOf(deviceIds: readonly string[]): Promise<Set<string>> {
    const { store, local, node } = this.#deps;
    const online = new Set(deviceIds.filter((id) => local.isOnline(id)));
    const rest = deviceIds.filter((id) => !online.has(id));
    for (const id of await store.onlineOf(rest, this.#freshAfter(), node)) online.add(id);
    return online;
  }

  async isOnline(deviceId: string): Promise<boolean> {
    return (await this.onlineOf([deviceId])).has(deviceId);
  }

  /** Devices online on any node. */
  async onlineCount(): Promise<number> {
    const { store, local, node } = this.#deps;
    return local.onlineCount + (await store.onlineCount(this.#freshAfter(), node));
  }

  /** A node whose heartbeat is older than three beats is taken for dead. */
  #freshAfter(): string {
    return new Date(this.#deps.now().getTime() - 3 * this.#deps.heartbeatMs).toISOString();
  }

  async #beat(): Promise<void> {
    const { store, node } = this.#deps;
    await store
      .heartbeat(node, this.#deps.now().toISOString())
      .catch((error: unknown) =>
        this.#deps.textLog.error({ err: error }, 'presence heartbeat not recorded'),
      );
  }
}
