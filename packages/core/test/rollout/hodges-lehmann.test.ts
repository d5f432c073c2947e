import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hodgesLehmannShift, median } from '../../src/rollout/index.js';
import { VECTORS, close } from './stat-vectors.js';

function naiveShift(first: readonly number[], second: readonly number[]): number {
  return median(first.flatMap((x) => second.map((y) => x - y)));
}

test('Hodges-Lehmann: agrees with NumPy median of pairwise differences', () => {
  for (const c of VECTORS.hodgesLehmann)
    assert.ok(close(hodgesLehmannShift(c.first, c.second), c.shift, 1e-12, 1e-12));
});

test('Hodges-Lehmann: agrees with the naive estimate on random samples', () => {
  const sample = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 25 });
  fc.assert(
    fc.property(sample, sample, (a, b) =>
      close(hodgesLehmannShift(a, b), naiveShift(a, b), 1e-9, 1e-9),
    ),
    { numRuns: 300 },
  );
});

test('Hodges-Lehmann: recovers a pure shift; median basics', () => {
  const base = [3, 1, 4, 1, 5, 9, 2, 6];
  assert.equal(
    hodgesLehmannShift(
      base.map((v) => v + 2.5),
      base,
    ),
    2.5,
  );
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
  assert.throws(() => hodgesLehmannShift([], [1]), RangeError);
});
