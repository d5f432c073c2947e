import type { Bus, BusEvents, BusTopic } from '../bus.js';

type Handler = (event: never) => Promise<void>;

/** In-process bus for the single-node default: delivery is immediate and in order. */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  readonly #handlers = new Map<BusTopic, Set<Handler>>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  async publish<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void> {
    const handlers = [...(this.#handlers.get(topic) ?? [])] as ((
      e: BusEvents[T],
    ) => Promise<void>)[];
    await Promise.all(handlers.map((handler) => handler(event).catch(this.#onError)));
  }

  subscribe<T extends BusTopic>(
    topic: T,
    handler: (event: BusEvents[T]) => Promise<void>,
  ): () => void {
    const set = this.#handlers.get(topic) ?? new Set<Handler>();
    this.#handlers.set(topic, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  close(): Promise<void> {
    this.#handlers.clear();
    return Promise.resolve();
  }
}
