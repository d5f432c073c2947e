/**
 * The Hodges-Lehmann estimate of the shift between two samples: the median of all differences
 * first[i] - second[j]. Found by bisection on the value with an O(n + m) count per step, so it
 * stays fast for thousands of devices per cohort.
 */
export function hodgesLehmannShift(first: readonly number[], second: readonly number[]): number {
  if (first.length === 0 || second.length === 0)
    throw new RangeError('Hodges-Lehmann needs two non-empty samples');
  const xs = [...first].sort((a, b) => a - b);
  const ys = [...second].sort((a, b) => a - b);
  const pairs = xs.length * ys.length;
  const middle = Math.ceil(pairs / 2);
  const low = kthDifference(xs, ys, middle);
  return pairs % 2 === 1 ? low : (low + kthDifference(xs, ys, middle + 1)) / 2;
}

/** Number of pairs with xs[i] - ys[j] <= d, for ascending xs and ys. */
function countAtMost(xs: readonly number[], ys: readonly number[], d: number): number {
  let count = 0;
  let j = 0;
  for (const x of xs) {
    while (j < ys.length && (ys[j] ?? 0) < x - d) j += 1;
    count += ys.length - j;
  }
  return count;
}

/** The largest difference among the pairs counted at d: the exact k-th value once d is. */
function largestAtMost(xs: readonly number[], ys: readonly number[], d: number): number {
  let best = -Infinity;
  let j = 0;
  for (const x of xs) {
    while (j < ys.length && (ys[j] ?? 0) < x - d) j += 1;
    const y = ys[j];
    if (y !== undefined) best = Math.max(best, x - y);
  }
  return best === -Infinity ? d : best;
}

/** The k-th smallest pairwise difference (1-based). */
function kthDifference(xs: readonly number[], ys: readonly number[], k: number): number {
  const first = (arr: readonly number[]): number => arr[0] ?? 0;
  const last = (arr: readonly number[]): number => arr[arr.length - 1] ?? 0;
  let lo = first(xs) - last(ys);
  let hi = last(xs) - first(ys);
  if (countAtMost(xs, ys, lo) >= k) return lo;
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return largestAtMost(xs, ys, hi);
    if (countAtMost(xs, ys, mid) >= k) hi = mid;
    else lo = mid;
  }
}

/** The median of a non-empty sample. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[half] ?? 0;
  return ((sorted[half - 1] ?? 0) + (sorted[half] ?? 0)) / 2;
}
