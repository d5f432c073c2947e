import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fisherGreater } from '../../src/rollout/index.js';
import type { FailureCounts } from '../../src/rollout/index.js';
import { VECTORS, close } from './stat-vectors.js';

function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let i = 0; i < k; i += 1) result = (result * BigInt(n - i)) / BigInt(i + 1);
  return result;
}

/** The same tail with exact integer arithmetic: an oracle that shares no code with ours. */
function exactTail(c: FailureCounts): number {
  const failures = c.treatedFailures + c.controlFailures;
  const total = c.treatedTotal + c.controlTotal;
  let numerator = 0n;
  for (let x = c.treatedFailures; x <= Math.min(failures, c.treatedTotal); x += 1)
    numerator += choose(failures, x) * choose(total - failures, c.treatedTotal - x);
  const scale = 10n ** 60n;
  return Number((numerator * scale) / choose(total, c.treatedTotal)) / 1e60;
}

test("Fisher: R's fisher.test documentation examples", () => {
  // TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2); fisher.test(TeaTasting, alternative = "greater")
  // p-value = 0.2429, exactly 17/70 (Fisher 1935, the lady tasting tea).
  const tea = { treatedFailures: 3, treatedTotal: 4, controlFailures: 1, controlTotal: 4 };
  assert.ok(close(fisherGreater(tea), 17 / 70, 1e-12));
  // Convictions <- matrix(c(2, 10, 15, 3), nrow = 2); fisher.test(Convictions, alternative = "less")
  // p-value = 0.0004652; "less" for the first row is "greater" with the rows swapped.
  const convictions = {
    treatedFailures: 10,
    treatedTotal: 13,
    controlFailures: 2,
    controlTotal: 17,
  };
  assert.equal(fisherGreater(convictions).toPrecision(4), '0.0004652');
});

test('Fisher: agrees with SciPy fisher_exact(alternative="greater")', () => {
  assert.ok(VECTORS.fisherGreater.length >= 50);
  for (const { p, ...counts } of VECTORS.fisherGreater) {
    const ours = fisherGreater(counts);
    assert.ok(close(ours, p, 1e-9, 1e-300), `${JSON.stringify(counts)}: ${ours} vs ${p}`);
  }
});

test('Fisher: agrees with exact integer arithmetic on random tables', () => {
  const table = fc
    .record({ n: fc.integer({ min: 1, max: 150 }), m: fc.integer({ min: 1, max: 150 }) })
    .chain(({ n, m }) =>
      fc.record({
        treatedTotal: fc.constant(n),
        controlTotal: fc.constant(m),
        treatedFailures: fc.integer({ min: 0, max: n }),
        controlFailures: fc.integer({ min: 0, max: m }),
      }),
    );
  fc.assert(
    fc.property(table, (counts) => {
      const expected = exactTail(counts);
      return close(fisherGreater(counts), expected, 1e-9, 1e-40);
    }),
    { numRuns: 300 },
  );
});

test('Fisher: edge cases', () => {
  const none = { treatedFailures: 0, treatedTotal: 50, controlFailures: 0, controlTotal: 50 };
  assert.equal(fisherGreater(none), 1);
  const all = { treatedFailures: 5, treatedTotal: 5, controlFailures: 0, controlTotal: 5 };
  assert.ok(close(fisherGreater(all), 1 / 252, 1e-12));
  assert.throws(() => fisherGreater({ ...none, treatedFailures: 51 }), RangeError);
  assert.throws(() => fisherGreater({ ...none, controlTotal: -1 }), RangeError);
  assert.throws(() => fisherGreater({ ...none, treatedTotal: 1.5 }), RangeError);
});
