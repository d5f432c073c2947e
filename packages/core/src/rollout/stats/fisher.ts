import { logChoose } from './log-gamma.js';

/** A 2x2 table of failures and totals for a treated cohort and its control cohort. */
export interface FailureCounts {
  readonly treatedFailures: number;
  readonly treatedTotal: number;
  readonly controlFailures: number;
  readonly controlTotal: number;
}

function assertCounts(counts: FailureCounts): void {
  const { treatedFailures, treatedTotal, controlFailures, controlTotal } = counts;
  const values = [treatedFailures, treatedTotal, controlFailures, controlTotal];
  if (!values.every((v) => Number.isSafeInteger(v) && v >= 0))
    throw new RangeError('Fisher counts must be non-negative integers');
  if (treatedFailures > treatedTotal || controlFailures > controlTotal)
    throw new RangeError('Fisher failures cannot exceed totals');
}

/**
 * One-sided Fisher's exact test of "the treated failure rate is greater than the control's":
 * P(X >= treatedFailures) for X hypergeometric with the table's margins fixed. This equals R's
 * `fisher.test(matrix(c(a, c, b, d), 2), alternative = "greater")$p.value`.
 */
export function fisherGreater(counts: FailureCounts): number {
  assertCounts(counts);
  const { treatedFailures: a, treatedTotal: n, controlFailures: c, controlTotal: m } = counts;
  const failures = a + c;
  const total = n + m;
  const upper = Math.min(n, failures);
  const logDenominator = logChoose(total, n);
  let p = 0;
  for (let x = a; x <= upper; x += 1) {
    p += Math.exp(logChoose(failures, x) + logChoose(total - failures, n - x) - logDenominator);
  }
  return Math.min(1, p);
}
