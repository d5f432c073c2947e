/**
 * The Bus port: fan-out of events among server nodes. The in-process adapter serves the embedded
 * default; a NATS JetStream adapter serves several nodes. One conformance suite runs on both.
 */
import type { PatchRef } from '@patchcast/protocol';

export interface BusEvents {
  /** Tell connected agents among `deviceIds` that a rollout wants them to install `patch`. */
  notice: {
    readonly rolloutId: string;
    readonly patch: PatchRef;
    readonly targetPath: string;
    readonly deviceIds: readonly string[];
  };
}

export type BusTopic = keyof BusEvents;

export interface Bus {
  readonly kind: string;
  publish<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void>;
  /** Returns an unsubscribe function. Handlers must not throw; errors are logged by the bus. */
  subscribe<T extends BusTopic>(
    topic: T,
    handler: (event: BusEvents[T]) => Promise<void>,
  ): () => void;
  close(): Promise<void>;
}
