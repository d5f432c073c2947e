/**
 * Notice latency: the time from a rollout notice written to an agent's socket to that agent's
 * first report for the rollout (the agent reports `downloading` as soon as it takes the notice
 * up, or its final state if it had the patch already). Measured on the node that sent the
 * notice; a report that reaches another node is not timed. A notice sent again (reconnect)
 * restarts its clock.
 */
import type { Histogram } from 'prom-client';

/** Notices awaiting their first report; past this many the oldest are forgotten. */
const MAX_PENDING = 100_000;

export class NoticeClock {
  readonly #histogram: Histogram;
  readonly #now: () => number;
  readonly #sent = new Map<string, number>();

  constructor(histogram: Histogram, now: () => number = () => performance.now()) {
    this.#histogram = histogram;
    this.#now = now;
  }

  noticeSent(rolloutId: string, deviceIds: readonly string[]): void {
    const at = this.#now();
    for (const deviceId of deviceIds) {
      const key = keyOf(rolloutId, deviceId);
      this.#sent.delete(key); // re-inserted last: the map stays in sending order
      this.#sent.set(key, at);
    }
    for (const key of this.#sent.keys()) {
      if (this.#sent.size <= MAX_PENDING) break;
      this.#sent.delete(key);
    }
  }

  reportReceived(rolloutId: string, deviceId: string): void {
    const key = keyOf(rolloutId, deviceId);
    const sent = this.#sent.get(key);
    if (sent === undefined) return;
    this.#sent.delete(key);
    this.#histogram.observe((this.#now() - sent) / 1000);
  }

  get pending(): number {
    return this.#sent.size;
  }
}

function keyOf(rolloutId: string, deviceId: string): string {
  return `${rolloutId}\n${deviceId}`;
}
