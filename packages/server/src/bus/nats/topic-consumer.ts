import { ConsumerEvents } from 'nats';
import type { ConsumerMessages, JetStreamClient } from 'nats';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TopicConsumerDeps {
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly durable: string;
  /** Handles one message; false asks for redelivery. */
  readonly dispatch: (data: Uint8Array) => Promise<boolean>;
  readonly onError: (error: unknown) => void;
  /** Told when the loop fails (true) and when it is consuming again (false). */
  readonly onFailing: (failing: boolean, error?: unknown) => void;
  /** Makes sure the stream and the consumer exist again before the next attempt. */
  readonly prepare: () => Promise<void>;
}

const RETRY_MS = 500;
const NAK_DELAY_MS = 1000;

/**
 * One durable pull consumer, processed one message at a time so that delivery keeps stream
 * order. A message is acknowledged after its handlers ran; the loop reopens itself after errors
 * (NATS restarted, consumer not reachable) until stopped.
 */
export class TopicConsumer {
  readonly #deps: TopicConsumerDeps;
  #messages: ConsumerMessages | undefined;
  #stopped = false;
  readonly #done: Promise<void>;

  constructor(deps: TopicConsumerDeps) {
    this.#deps = deps;
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const consumer = await this.#deps.js.consumers.get(this.#deps.stream, this.#deps.durable);
        const messages = await consumer.consume({ max_messages: 64 });
        this.#messages = messages;
        if (this.#stopped) break;
        this.#deps.onFailing(false);
        void this.#watch(messages);
        for await (const message of messages) {
          if (await this.#deps.dispatch(message.data)) message.ack();
          else message.nak(NAK_DELAY_MS);
        }
        if (!this.#stopped) await sleep(RETRY_MS);
      } catch (error) {
        if (this.#stopped) break;
        this.#deps.onFailing(true, error);
        await sleep(RETRY_MS);
        // a failure here shows again, with its reason, in the next attempt
        if (!this.#stopped) await this.#deps.prepare().catch(() => undefined);
      }
    }
    await this.#messages?.close();
  }

  /**
   * The client only reports here that the consumer or the stream vanished (NATS came back
   * without its storage): recreate them and reopen, so that reading resumes.
   */
  async #watch(messages: ConsumerMessages): Promise<void> {
    const lost: string[] = [
      ConsumerEvents.ConsumerNotFound,
      ConsumerEvents.StreamNotFound,
      ConsumerEvents.ConsumerDeleted,
      ConsumerEvents.NoResponders,
    ];
    for await (const status of await messages.status()) {
      if (this.#stopped || !lost.includes(status.type)) continue;
      this.#deps.onFailing(true, new Error(status.type.replace(/_/g, ' ')));
      // a failure here shows again in the next attempt of the reading loop
      await this.#deps.prepare().catch(() => undefined);
      messages.stop();
      return;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#messages?.stop();
    await this.#done;
  }
}
