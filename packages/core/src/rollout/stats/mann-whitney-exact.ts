/**
 * The exact null distribution of the Mann-Whitney U statistic without ties: the number of ways
 * each value of U arises among all C(n + m, n) equally likely rank assignments. Built by the
 * subset-sum recurrence with additions only, so no cancellation; cached per (n, m).
 */
const cache = new Map<string, Float64Array>();

function subsetSumCounts(n: number, total: number): Float64Array {
  const maxSum = (n * (2 * total - n + 1)) / 2;
  const rows = Array.from({ length: n + 1 }, () => new Float64Array(maxSum + 1));
  (rows[0] as Float64Array)[0] = 1;
  for (let rank = 1; rank <= total; rank += 1) {
    for (let k = Math.min(n, rank); k >= 1; k -= 1) {
      const row = rows[k] as Float64Array;
      const previous = rows[k - 1] as Float64Array;
      for (let s = maxSum; s >= rank; s -= 1) row[s] = (row[s] ?? 0) + (previous[s - rank] ?? 0);
    }
  }
  return rows[n] as Float64Array;
}

/** upper[u] = number of rank assignments with U >= u, for u = 0..n*m+1. */
function upperTailCounts(n: number, m: number): Float64Array {
  const bySum = subsetSumCounts(n, n + m);
  const offset = (n * (n + 1)) / 2;
  const upper = new Float64Array(n * m + 2);
  for (let u = n * m; u >= 0; u -= 1) upper[u] = (upper[u + 1] ?? 0) + (bySum[u + offset] ?? 0);
  return upper;
}

/** P(U >= u) under the null hypothesis, for a first sample of n and a second of m values. */
export function exactUpperTail(u: number, n: number, m: number): number {
  const key = `${n},${m}`;
  let upper = cache.get(key);
  if (upper === undefined) {
    upper = upperTailCounts(n, m);
    cache.set(key, upper);
  }
  const k = Math.ceil(u);
  if (k <= 0) return 1;
  if (k > n * m) return 0;
  return (upper[k] ?? 0) / (upper[0] ?? 1);
}
