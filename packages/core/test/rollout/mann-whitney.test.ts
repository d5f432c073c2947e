import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  exactUpperTail,
  mannWhitneyGreater,
  mannWhitneyVariance,
  rankFirstSample,
} from '../../src/rollout/index.js';
import { VECTORS, close } from './stat-vectors.js';

/** Every way to give n of the pooled values to the first sample: U of each assignment. */
function allUs(pooled: readonly number[], n: number): number[] {
  const us: number[] = [];
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === n) {
      const first = chosen.map((i) => pooled[i] ?? 0);
      const second = pooled.filter((_, i) => !chosen.includes(i));
      us.push(rankFirstSample(first, second).firstRankSum - (n * (n + 1)) / 2);
      return;
    }
    for (let i = start; i < pooled.length; i += 1) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return us;
}

test("Mann-Whitney: R's wilcox.test documentation example (Hollander and Wolfe)", () => {
  // x <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46)
  // y <- c(1.15, 0.88, 0.90, 0.74, 1.21)
  // wilcox.test(x, y, alternative = "g")  ->  W = 35, p-value = 0.1272
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];
  const result = mannWhitneyGreater(x, y);
  assert.equal(result.u, 35);
  assert.equal(result.method, 'exact');
  assert.equal(result.p.toFixed(4), '0.1272');
  // The same with correct = FALSE, exact = FALSE gives 0.1103: z = (35 - 25) / sqrt(50 * 16 / 12).
  assert.equal(
    (1 - normalCdfOf(10 / Math.sqrt(mannWhitneyVariance(10, 5, [])))).toFixed(4),
    '0.1103',
  );
});

function normalCdfOf(z: number): number {
  let sum = 0;
  const steps = 20_000;
  for (let i = 0; i < steps; i += 1) {
    const t = -12 + ((z + 12) * (i + 0.5)) / steps;
    sum += Math.exp((-t * t) / 2);
  }
  return (sum * (z + 12)) / steps / Math.sqrt(2 * Math.PI);
}

test('Mann-Whitney: agrees with SciPy mannwhitneyu (exact and tie-corrected normal)', () => {
  for (const c of VECTORS.mannWhitneyGreater) {
    const ours = mannWhitneyGreater(c.first, c.second);
    const where = `n=${c.first.length} m=${c.second.length} ${c.method}`;
    assert.equal(ours.method, c.method, where);
    assert.equal(ours.u, c.u, where);
    assert.ok(close(ours.p, c.p, 1e-8, 1e-15), `${where}: ${ours.p} vs ${c.p}`);
  }
});

test('Mann-Whitney: exact distribution equals brute-force enumeration', () => {
  for (let n = 1; n <= 6; n += 1) {
    for (let m = 1; m <= 6; m += 1) {
      const us = allUs(
        Array.from({ length: n + m }, (_, i) => i),
        n,
      );
      for (let u = -1; u <= n * m + 1; u += 1) {
        const expected = us.filter((v) => v >= u).length / us.length;
        assert.ok(close(exactUpperTail(u, n, m), expected, 1e-12), `n=${n} m=${m} u=${u}`);
      }
    }
  }
});

test('Mann-Whitney: tie-corrected variance equals the permutation variance', () => {
  const tied = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 9 });
  fc.assert(
    fc.property(tied, fc.integer({ min: 1, max: 8 }), (pooled, pick) => {
      const n = 1 + (pick % (pooled.length - 1));
      const us = allUs(pooled, n);
      const mean = us.reduce((a, b) => a + b, 0) / us.length;
      const variance = us.reduce((a, b) => a + (b - mean) ** 2, 0) / us.length;
      const sorted = [...pooled].sort((a, b) => a - b);
      const { ties } = rankFirstSample(sorted, []);
      const formula = mannWhitneyVariance(n, pooled.length - n, ties);
      return (
        close(mean, (n * (pooled.length - n)) / 2, 1e-12) && close(variance, formula, 1e-9, 1e-12)
      );
    }),
    { numRuns: 150 },
  );
});

test('Mann-Whitney: direction, all-tied samples and bad input', () => {
  const low = [1, 2, 3, 4, 5, 6, 7, 8];
  const high = low.map((v) => v + 100);
  assert.ok(mannWhitneyGreater(high, low).p < 0.001);
  assert.ok(mannWhitneyGreater(low, high).p > 0.999);
  const same = Array.from({ length: 60 }, () => 4);
  assert.equal(mannWhitneyGreater(same, same).p, 1);
  assert.throws(() => mannWhitneyGreater([], [1]), RangeError);
  assert.throws(() => mannWhitneyGreater([Number.NaN], [1]), RangeError);
});
