import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logChoose, logGamma, normalCdf, normalUpperTail } from '../../src/rollout/index.js';
import { VECTORS, close } from './stat-vectors.js';

test('normal distribution matches textbook values (Abramowitz and Stegun 26.2)', () => {
  const table: [number, number][] = [
    [-1.959963984540054, 0.025],
    [-1, 0.15865525393145707],
    [-2, 0.022750131948179195],
    [-3, 0.0013498980316300946],
    [0, 0.5],
  ];
  for (const [x, p] of table) {
    assert.ok(close(normalCdf(x), p, 1e-12), `Phi(${x}) = ${normalCdf(x)}, want ${p}`);
    assert.ok(close(normalUpperTail(-x), p, 1e-12), `upper(${-x})`);
  }
});

test('normal distribution matches SciPy far into both tails', () => {
  for (const { x, cdf, upper } of VECTORS.normal) {
    assert.ok(close(normalCdf(x), cdf, 1e-11, 1e-300), `cdf(${x}) = ${normalCdf(x)}, want ${cdf}`);
    assert.ok(close(normalUpperTail(x), upper, 1e-11, 1e-300), `sf(${x})`);
  }
});

test('normal distribution is symmetric and monotone', () => {
  let previous = 0;
  for (let x = -10; x <= 10; x += 0.01) {
    const p = normalCdf(x);
    assert.ok(p >= previous, `not monotone at ${x}`);
    assert.ok(Math.abs(p + normalCdf(-x) - 1) < 1e-14);
    previous = p;
  }
  assert.ok(Number.isNaN(normalCdf(Number.NaN)));
});

test('log-gamma matches factorials and ln sqrt(pi)', () => {
  let factorial = 1;
  for (let n = 1; n <= 25; n += 1) {
    assert.ok(close(logGamma(n), Math.log(factorial), 1e-13, 1e-14), `lgamma(${n})`);
    factorial *= n;
  }
  assert.ok(close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14));
  assert.ok(close(logGamma(100), 359.1342053695754, 1e-14));
  assert.ok(close(Math.exp(logChoose(52, 5)), 2_598_960, 1e-12));
  assert.throws(() => logGamma(0), RangeError);
});
