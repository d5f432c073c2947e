import type { Bus, BusEvents, BusHealth, BusTopic } from '../bus.js';
import { MemoryBusHub } from './memory-bus-hub.js';
import type { HubMember } from './memory-bus-hub.js';

type Handler = (event: unknown) => Promise<void>;

export interface MemoryBusOptions {
  /** Nodes sharing a hub see each other's events; by default each bus has a hub of its own. */
  readonly hub?: MemoryBusHub;
  readonly nodeId?: string;
}

/** In-process bus for the single-node default: delivery is immediate and in order. */
export class MemoryBus implements Bus, HubMember {
  readonly kind = 'memory';
  readonly nodeId: string;
  readonly #handlers = new Map<BusTopic, Set<Handler>>();
  readonly #onError: (error: unknown) => void;
  readonly #hub: MemoryBusHub;

  constructor(onError: (error: unknown) => void, options: MemoryBusOptions = {}) {
    this.#onError = onError;
    this.nodeId = options.nodeId ?? 'local';
    this.#hub = options.hub ?? new MemoryBusHub();
    this.#hub.join(this.nodeId, this);
  }

  async publish<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void> {
    await this.#hub.publish(topic, event);
  }

  subscribe<T extends BusTopic>(
    topic: T,
    handler: (event: BusEvents[T]) => Promise<void>,
  ): () => void {
    const set = this.#handlers.get(topic) ?? new Set<Handler>();
    this.#handlers.set(topic, set);
    const entry = handler as Handler;
    set.add(entry);
    for (const missed of this.#hub.attach(this.nodeId, topic))
      void entry(missed).catch(this.#onError);
    return () => set.delete(entry);
  }

  hasSubscribers(topic: BusTopic): boolean {
    return (this.#handlers.get(topic)?.size ?? 0) > 0;
  }

  async deliver(topic: BusTopic, event: unknown): Promise<void> {
    const handlers = [...(this.#handlers.get(topic) ?? [])];
    await Promise.all(handlers.map((handler) => handler(event).catch(this.#onError)));
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  health(): BusHealth {
    return { state: 'ok' };
  }

  close(): Promise<void> {
    this.#handlers.clear();
    this.#hub.leave(this.nodeId, this);
    return Promise.resolve();
  }
}
