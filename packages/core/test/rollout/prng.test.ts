import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/rollout/index.js';

test('prng: the same seed gives the same stream; different seeds differ', () => {
  const take = (seed: string | number): number[] => {
    const rng = new SeededRandom(seed);
    return Array.from({ length: 8 }, () => rng.nextUint32());
  };
  assert.deepEqual(take('a'), take('a'));
  assert.deepEqual(take(42), take('42'));
  assert.notDeepEqual(take('a'), take('b'));
  assert.ok(take(1).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32));
});

test('prng: uniform, normal and exponential draws have the right moments', () => {
  const rng = new SeededRandom('moments');
  const n = 100_000;
  const buckets = new Array<number>(10).fill(0);
  let sumU = 0;
  let sumZ = 0;
  let sumZ2 = 0;
  let sumE = 0;
  for (let i = 0; i < n; i += 1) {
    const u = rng.next();
    buckets[Math.floor(u * 10)] = (buckets[Math.floor(u * 10)] ?? 0) + 1;
    sumU += u;
    const z = rng.normal();
    sumZ += z;
    sumZ2 += z * z;
    sumE += rng.exponential(3);
  }
  const chi2 = buckets.reduce((s, b) => s + (b - n / 10) ** 2 / (n / 10), 0);
  assert.ok(chi2 < 27.88, `chi-square ${chi2} beyond the 0.999 quantile for 9 degrees of freedom`);
  assert.ok(Math.abs(sumU / n - 0.5) < 0.005);
  assert.ok(Math.abs(sumZ / n) < 0.015);
  assert.ok(Math.abs(sumZ2 / n - 1) < 0.02);
  assert.ok(Math.abs(sumE / n - 3) < 0.05);
});
