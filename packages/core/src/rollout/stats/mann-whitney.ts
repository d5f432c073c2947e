import { exactUpperTail } from './mann-whitney-exact.js';
import { normalUpperTail } from './normal.js';
import { rankFirstSample } from './ranks.js';

/** Below this size on both sides and without ties, the exact distribution is used (as in R). */
export const MANN_WHITNEY_EXACT_LIMIT = 50;

export interface MannWhitneyResult {
  /** U of the first sample: its rank sum minus n(n+1)/2 (R's W). */
  readonly u: number;
  /** One-sided p-value for "the first sample tends to be greater". */
  readonly p: number;
  readonly method: 'exact' | 'normal';
}

/**
 * One-sided Mann-Whitney U test: H1 says values of `first` tend to be larger than values of
 * `second`. Exact for small samples without ties; otherwise the normal approximation with tie
 * correction and continuity correction, matching R's `wilcox.test(first, second,
 * alternative = "greater")`.
 */
export function mannWhitneyGreater(
  first: readonly number[],
  second: readonly number[],
): MannWhitneyResult {
  const n = first.length;
  const m = second.length;
  if (n === 0 || m === 0) throw new RangeError('Mann-Whitney needs two non-empty samples');
  if (![...first, ...second].every(Number.isFinite))
    throw new RangeError('Mann-Whitney samples must be finite numbers');
  const { firstRankSum, ties } = rankFirstSample(first, second);
  const u = firstRankSum - (n * (n + 1)) / 2;
  if (n < MANN_WHITNEY_EXACT_LIMIT && m < MANN_WHITNEY_EXACT_LIMIT && ties.length === 0)
    return { u, p: exactUpperTail(u, n, m), method: 'exact' };
  return { u, p: normalApproximation(u, n, m, ties), method: 'normal' };
}

/** Variance of U under the null hypothesis, corrected for groups of tied values. */
export function mannWhitneyVariance(n: number, m: number, ties: readonly number[]): number {
  const total = n + m;
  const tieSum = ties.reduce((sum, t) => sum + t * t * t - t, 0);
  return ((n * m) / 12) * (total + 1 - tieSum / (total * (total - 1)));
}

function normalApproximation(u: number, n: number, m: number, ties: readonly number[]): number {
  const variance = mannWhitneyVariance(n, m, ties);
  if (!(variance > 0)) return 1;
  const z = (u - (n * m) / 2 - 0.5) / Math.sqrt(variance);
  return normalUpperTail(z);
}
