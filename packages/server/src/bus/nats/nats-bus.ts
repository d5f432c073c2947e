/**
 * The NATS JetStream adapter of the Bus port. One stream holds every topic under
 * `<subjectPrefix>.<topic>`; each node reads each topic through a durable pull consumer named
 * `<nodeId>_<topic>`, so a node that was down catches up from where it stopped. Delivery is at
 * least once; events with an id are also de-duplicated by JetStream on publish (msgID).
 */
import { AckPolicy, DeliverPolicy, Events, nanos } from 'nats';
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { PatchcastError } from '@patchcast/core';
import type { Bus, BusEvents, BusHealth, BusTopic } from '../bus.js';
import { decodeEvent, encodeEvent } from './event-codec.js';
import { DEFAULT_STREAM_LIMITS, connectNats, describe, ensureStream } from './nats-connect.js';
import type { StreamLimits } from './nats-connect.js';
import { TopicConsumer } from './topic-consumer.js';

export interface NatsBusOptions {
  /** nats://HOST:PORT (several separated by commas). */
  readonly url: string;
  readonly nodeId: string;
  readonly stream?: string;
  readonly subjectPrefix?: string;
  readonly limits?: Partial<StreamLimits>;
  readonly publishTimeoutMs?: number;
  readonly onError: (error: unknown) => void;
}

type Handler = (event: unknown) => Promise<void>;

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class NatsBus implements Bus {
  readonly kind = 'nats';
  readonly nodeId: string;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #options: NatsBusOptions;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #handlers = new Map<BusTopic, Set<Handler>>();
  readonly #consumers = new Map<BusTopic, Promise<TopicConsumer | undefined>>();
  /** Why the bus is degraded, by source; empty means healthy. */
  readonly #problems = new Map<string, string>();
  #closed = false;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: NatsBusOptions) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = nc.jetstream();
    this.#options = options;
    this.nodeId = options.nodeId;
    this.#stream = options.stream ?? 'PATCHCAST';
    this.#prefix = options.subjectPrefix ?? 'patchcast';
    void this.#watchConnection();
  }

  /** Connects and makes sure the stream exists; throws BUS_UNAVAILABLE when NATS is not there. */
  static async open(options: NatsBusOptions): Promise<NatsBus> {
    if (!NODE_ID.test(options.nodeId))
      throw new PatchcastError('CONFIG_INVALID', `node id "${options.nodeId}" is not allowed`, {
        hint: 'use 1-64 letters, digits, "-" or "_" for --node-id',
      });
    const nc = await connectNats(options.url, options.nodeId);
    try {
      const limits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
      const stream = options.stream ?? 'PATCHCAST';
      const prefix = options.subjectPrefix ?? 'patchcast';
      const jsm = await ensureStream(nc, options.url, stream, prefix, limits);
      return new NatsBus(nc, jsm, options);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async publish<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void> {
    try {
      await this.#publishOnce(topic, event).catch(async (error: unknown) => {
        // 503: no stream takes the subject (NATS came back without its storage): make it, retry
        if ((error as { code?: unknown }).code !== '503') throw error;
        const limits = { ...DEFAULT_STREAM_LIMITS, ...this.#options.limits };
        await ensureStream(this.#nc, this.#options.url, this.#stream, this.#prefix, limits);
        await this.#publishOnce(topic, event);
      });
      this.#problems.delete('publish');
    } catch (error) {
      this.#problems.set('publish', `publishing to NATS failed: ${describe(error)}`);
      this.#options.onError(
        new PatchcastError(
          'BUS_UNAVAILABLE',
          `${topic} event delivered on node ${this.nodeId} only: ${describe(error)}`,
        ),
      );
      await this.#dispatchLocal(topic, event);
    }
  }

  async #publishOnce<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void> {
    const id = (event as { readonly id?: string }).id;
    await this.#js.publish(`${this.#prefix}.${topic}`, encodeEvent(event), {
      ...(id === undefined ? {} : { msgID: `${topic}:${id}` }),
      timeout: this.#options.publishTimeoutMs ?? 2000,
    });
  }

  subscribe<T extends BusTopic>(
    topic: T,
    handler: (event: BusEvents[T]) => Promise<void>,
  ): () => void {
    const set = this.#handlers.get(topic) ?? new Set<Handler>();
    this.#handlers.set(topic, set);
    const entry = handler as Handler;
    set.add(entry);
    if (!this.#consumers.has(topic)) this.#consumers.set(topic, this.#startConsumer(topic));
    return () => set.delete(entry);
  }

  /** Resolves once this node's durable consumers for every subscribed topic exist. */
  async ready(): Promise<void> {
    await Promise.all(this.#consumers.values());
  }

  health(): BusHealth {
    const [first] = this.#problems.values();
    return first === undefined ? { state: 'ok' } : { state: 'degraded', detail: first };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const consumers = await Promise.all(this.#consumers.values());
    await Promise.all(consumers.map((c) => c?.stop() ?? Promise.resolve()));
    this.#handlers.clear();
    await this.#nc.flush().catch(() => undefined); // acknowledgements still buffered, if it can
    await this.#nc.close();
  }

  async #startConsumer(topic: BusTopic): Promise<TopicConsumer | undefined> {
    const durable = `${this.nodeId}_${topic}`;
    await this.#ensureConsumer(topic, durable).catch(this.#options.onError);
    if (this.#closed) return undefined;
    return new TopicConsumer({
      js: this.#js,
      stream: this.#stream,
      durable,
      dispatch: (data) => this.#dispatchWire(topic, data),
      onError: this.#options.onError,
      onFailing: (failing, error) => {
        if (!failing) this.#problems.delete(`consume:${topic}`);
        else this.#problems.set(`consume:${topic}`, `reading ${topic}: ${describe(error)}`);
      },
      prepare: () => this.#ensureConsumer(topic, durable),
    });
  }

  /**
   * The stream and this node's durable consumer of `topic`; both calls are idempotent. Run again
   * when reading fails, so a NATS that came back without its storage gets them anew.
   */
  async #ensureConsumer(topic: BusTopic, durable: string): Promise<void> {
    const limits = { ...DEFAULT_STREAM_LIMITS, ...this.#options.limits };
    await ensureStream(this.#nc, this.#options.url, this.#stream, this.#prefix, limits);
    await this.#jsm.consumers.add(this.#stream, {
      durable_name: durable,
      filter_subject: `${this.#prefix}.${topic}`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(30_000),
      max_deliver: 10,
    });
  }

  async #dispatchWire(topic: BusTopic, data: Uint8Array): Promise<boolean> {
    const event = decodeEvent(topic, data);
    if (event === undefined) {
      this.#options.onError(new Error(`dropped a malformed ${topic} event from the bus`));
      return true;
    }
    return this.#dispatchLocal(topic, event);
  }

  /** Runs every local handler; false when one failed (JetStream redelivers the event). */
  async #dispatchLocal(topic: BusTopic, event: unknown): Promise<boolean> {
    const handlers = [...(this.#handlers.get(topic) ?? [])];
    const results = await Promise.all(
      handlers.map((handler) =>
        handler(event).then(
          () => true,
          (error: unknown) => {
            this.#options.onError(error);
            return false;
          },
        ),
      ),
    );
    return results.every(Boolean);
  }

  async #watchConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === Events.Disconnect)
        this.#problems.set('connection', `lost the connection to NATS at ${this.#options.url}`);
      else if (status.type === Events.Reconnect) {
        this.#problems.delete('connection');
        this.#problems.delete('publish');
      }
    }
  }
}
