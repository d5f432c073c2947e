/**
 * When to try a failed delivery again: exponential backoff with "equal jitter" (half the delay
 * fixed, half random), so receivers that failed together are not retried together, and never
 * sooner than half the exponential delay.
 */
export interface RetryPolicy {
  /** The delay after the first failed attempt, before jitter. */
  readonly baseMs: number;
  /** No delay is longer than this. */
  readonly maxMs: number;
  /** Attempts in all; the row fails for good after the last. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 10_000, maxMs: 3600_000, maxAttempts: 12 };

/** The delay after failed attempt number `attempt` (1-based); `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** The bounds `retryDelayMs` stays within, for documentation and tests. */
export function retryBoundsMs(policy: RetryPolicy, attempt: number): [number, number] {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  return [Math.round(exponential / 2), exponential];
}
