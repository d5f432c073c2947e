/**
 * The agent's one retry policy for downloads from the origin (download.ts, the piece fetcher):
 * a few attempts, the delay doubled each time with jitter so a fleet does not retry in step.
 */
export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BASE_DELAY_MS = 250;

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, baseDelayMs = DEFAULT_BASE_DELAY_MS): number {
  return baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
}
