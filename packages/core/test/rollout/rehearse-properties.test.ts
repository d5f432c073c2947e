import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logChoose, rehearse } from '../../src/rollout/index.js';
import { PROPERTY_PLAN } from './rehearsal-plan.js';

const SEEDS = 200;
const DEVICES = 600;
const BASELINE = 0.01;
/** Chance of this test failing although the judge keeps its promise. */
const TEST_RISK = 0.001;

/** P(X >= k) for X ~ Binomial(n, p), by summing exact terms. */
function binomialUpperTail(k: number, n: number, p: number): number {
  let sum = 0;
  for (let x = k; x <= n; x += 1)
    sum += Math.exp(logChoose(n, x) + x * Math.log(p) + (n - x) * Math.log(1 - p));
  return sum;
}

/** The smallest count k with P(X >= k) <= risk: more stops than k - 1 refutes "rate <= p". */
function rejectionCount(n: number, p: number, risk: number): number {
  let k = 0;
  while (binomialUpperTail(k, n, p) > risk) k += 1;
  return k;
}

function outcomes(failureRate: number): { stopped: number; stoppedInFirst: number } {
  let stopped = 0;
  let stoppedInFirst = 0;
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    const timeline = rehearse({
      plan: PROPERTY_PLAN,
      devices: DEVICES,
      failureRate,
      baselineFailureRate: BASELINE,
      seed,
    });
    if (timeline.outcome !== 'completed') stopped += 1;
    if (
      timeline.outcome !== 'completed' &&
      timeline.stoppedInWave === 1 &&
      timeline.waves[1]?.notified === 0
    )
      stoppedInFirst += 1;
  }
  return { stopped, stoppedInFirst };
}

test(`properties: a healthy patch is falsely stopped no more often than alpha (${SEEDS} seeds)`, () => {
  const alpha = PROPERTY_PLAN.judge.alpha;
  const limit = rejectionCount(SEEDS, alpha, TEST_RISK);
  const { stopped } = outcomes(0);
  assert.ok(
    stopped < limit,
    `${stopped} false stops of ${SEEDS}; at rate ${alpha} more than ${limit - 1} has chance < ${TEST_RISK}`,
  );
});

test(`properties: a patch failing on 20% of devices stops in the first wave in >= 99% of ${SEEDS} seeds`, () => {
  const { stoppedInFirst } = outcomes(0.2);
  assert.ok(
    stoppedInFirst >= Math.ceil(0.99 * SEEDS),
    `stopped in wave 1 in ${stoppedInFirst} of ${SEEDS}`,
  );
});

test('properties: the binomial bound is computed correctly', () => {
  assert.ok(Math.abs(binomialUpperTail(0, 200, 0.05) - 1) < 1e-12);
  assert.ok(Math.abs(binomialUpperTail(1, 10, 0.5) - 1023 / 1024) < 1e-12);
  const k = rejectionCount(SEEDS, 0.05, TEST_RISK);
  assert.ok(
    binomialUpperTail(k, SEEDS, 0.05) <= TEST_RISK &&
      binomialUpperTail(k - 1, SEEDS, 0.05) > TEST_RISK,
  );
});
