/**
 * The webhook dispatcher of one node: polls the outbox, claims due rows under a lease (several
 * nodes share the work; none takes a row another holds), signs and sends each, and settles it
 * with a line in the delivery log: delivered on 2xx, else again after a backoff with jitter,
 * failed for good after the last attempt. A row whose node died is taken again once its lease
 * expires, so delivery is at least once; receivers deduplicate by `webhook-id`.
 */
import type { OutboxClaim, WebhookStore } from '../../storage/webhook-store.js';
import { retryDelayMs } from './backoff.js';
import type { RetryPolicy } from './backoff.js';
import { signWebhook } from '@patchcast/protocol';
import { sendWebhook } from './send-webhook.js';
import type { Resolver } from './destination.js';

export interface WebhookSettings extends RetryPolicy {
  /** Per request: connect, send and answer. */
  readonly timeoutMs: number;
  /** How often the outbox is polled when idle. */
  readonly pollMs: number;
  /** Rows claimed per poll; they are sent concurrently. */
  readonly batch: number;
}

export interface DispatcherDeps {
  readonly store: WebhookStore;
  /** This node's name: the lease holder of its claims. */
  readonly holder: string;
  readonly settings: WebhookSettings;
  readonly resolve: Resolver;
  readonly now: () => Date;
  readonly random: () => number;
  readonly userAgent: string;
  readonly onError: (error: unknown) => void;
}

export class WebhookDispatcher {
  readonly #deps: DispatcherDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #again = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Polls now (after the poll in progress, if any): something was just queued. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#poll()
      .catch((error: unknown) => this.#deps.onError(error))
      .finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
  }

  /** Stops polling and waits for the attempts in flight (each bounded by the request timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const delay = this.#again ? 0 : this.#deps.settings.pollMs;
    this.#again = false;
    this.#timer = setTimeout(() => this.wake(), delay);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const { store, holder, settings } = this.#deps;
    const now = this.#deps.now();
    const leaseUntil = new Date(now.getTime() + settings.timeoutMs * 2 + 5000).toISOString();
    const claims = await store.claim(holder, now.toISOString(), leaseUntil, settings.batch);
    await Promise.all(claims.map((claim) => this.#attempt(claim)));
    if (claims.length === settings.batch) this.#again = true;
  }

  async #attempt(claim: OutboxClaim): Promise<void> {
    const { settings } = this.#deps;
    const at = this.#deps.now();
    const headers = signWebhook(claim.secret, claim.eventId, at.getTime() / 1000, claim.body);
    const result = await sendWebhook(claim, headers, claim.body, {
      timeoutMs: settings.timeoutMs,
      resolve: this.#deps.resolve,
      userAgent: this.#deps.userAgent,
    });
    const attempt = claim.attempts + 1;
    const record = {
      attempt,
      at: at.toISOString(),
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
    };
    const delay = retryDelayMs(settings, attempt, this.#deps.random());
    const outcome = result.ok
      ? ({ state: 'delivered' } as const)
      : attempt >= settings.maxAttempts
        ? ({ state: 'failed' } as const)
        : ({
            state: 'pending',
            nextAttemptAt: new Date(this.#deps.now().getTime() + delay).toISOString(),
          } as const);
    await this.#deps.store.settle(claim, this.#deps.holder, record, outcome);
  }
}
