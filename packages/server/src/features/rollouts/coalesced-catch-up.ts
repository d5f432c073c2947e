/**
 * Catch-ups of a driven rollout's engine, coalesced (ADR 0038): reports journal their engine
 * input themselves, concurrently (so a group commit stores many in one transaction), then ask
 * for a catch-up. A request made while one is waiting to start shares it; one made after it
 * started waits for the next, which reads every input journaled before the request. So the
 * engine takes the reports of one batch in one step instead of one step (and one journal write
 * and read) per report.
 */
import type { RolloutDriver } from './rollout-driver.js';

export class CoalescedCatchUp {
  readonly #driver: Pick<RolloutDriver, 'catchUp'>;
  /** Per rollout, the catch-up not yet started. */
  readonly #waiting = new Map<string, Promise<void>>();
  /** Per rollout, the last catch-up requested. */
  readonly #last = new Map<string, Promise<void>>();

  constructor(driver: Pick<RolloutDriver, 'catchUp'>) {
    this.#driver = driver;
  }

  request(rolloutId: string): Promise<void> {
    const waiting = this.#waiting.get(rolloutId);
    if (waiting !== undefined) return waiting;
    const previous = this.#last.get(rolloutId) ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => undefined)
      .then(() => {
        if (this.#waiting.get(rolloutId) === next) this.#waiting.delete(rolloutId);
        return this.#driver.catchUp(rolloutId);
      });
    this.#waiting.set(rolloutId, next);
    this.#last.set(rolloutId, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.#last.get(rolloutId) === next) this.#last.delete(rolloutId);
      });
    return next;
  }
}
