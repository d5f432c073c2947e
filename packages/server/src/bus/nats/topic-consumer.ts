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
        for await (const message of messages) {
          if (await this.#deps.dispatch(message.data)) message.ack();
          else message.nak(NAK_DELAY_MS);
        }
        if (!this.#stopped) await sleep(RETRY_MS);
      } catch (error) {
        if (this.#stopped) break;
        this.#deps.onFailing(true, error);
        await sleep(RETRY_MS);
      }
    }
    await this.#messages?.close();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#messages?.stop();
    await this.#done;
  }
}
