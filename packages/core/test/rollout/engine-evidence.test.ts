import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutEngine } from '../../src/rollout/index.js';
import type { EngineEffect } from '../../src/rollout/index.js';
import { MINUTE, T0, fleet, plan, wave } from './fixtures.js';

const SECOND = 1000;

/** Canary of 4, control of 4 from the rest; one success (25 %) starts the 1 s bake. */
function start() {
  return RolloutEngine.create({
    rolloutId: 'evidence',
    plan: plan({
      waves: [wave('canary', { count: 4 }, 1), wave('rest', { rest: true }, 1)],
      thresholds: { successPercent: 25, failurePercent: 75 },
      installTimeoutSeconds: 600,
      judge: { ...plan().judge, alpha: 0.2, metrics: [], controlSize: 4 },
    }),
    devices: fleet(8),
    now: T0,
  });
}

function idsOf(effects: readonly EngineEffect[], type: 'notify-devices' | 'collect-health') {
  return effects.flatMap((e) => (e.type === type ? e.deviceIds : []));
}

test('engine: the judge waits for installs in flight and the control cohort, not just the bake', () => {
  const { engine, effects } = start();
  const treated = idsOf(effects, 'notify-devices');
  const control = idsOf(effects, 'collect-health');
  assert.equal(treated.length, 4);
  assert.equal(control.length, 4);
  const [first, ...others] = treated;
  engine.handle({ type: 'device-result', at: T0 + SECOND, deviceId: first ?? '', ok: true });
  assert.equal(engine.state.name, 'baking');
  engine.handle({ type: 'tick', at: T0 + 5 * SECOND });
  assert.equal(engine.state.name, 'baking', 'three installs are still in flight after the bake');
  for (const id of others)
    engine.handle({ type: 'device-result', at: T0 + 6 * SECOND, deviceId: id, ok: false });
  assert.equal(engine.state.name, 'baking', 'the control cohort has not reported yet');
  for (const id of control)
    engine.handle({
      type: 'control-report',
      at: T0 + 7 * SECOND,
      wave: 0,
      deviceId: id,
      healthy: true,
    });
  assert.equal(engine.state.name, 'paused');
  const verdict = engine.view().waves[0]?.verdict;
  assert.equal(verdict?.verdict, 'fail');
  const fisher = verdict?.findings.find((f) => f.subject === 'failure-rate');
  assert.ok(fisher?.p !== null && Math.abs((fisher?.p ?? 0) - 5 / 70) < 1e-12, 'Fisher p = 5/70');
});

test('engine: a silent control cohort delays the judge by at most one install timeout', () => {
  const { engine, effects } = start();
  for (const id of idsOf(effects, 'notify-devices'))
    engine.handle({ type: 'device-result', at: T0 + SECOND, deviceId: id, ok: true });
  const step = engine.handle({ type: 'tick', at: T0 + 5 * SECOND });
  assert.equal(engine.state.name, 'baking');
  const wake = step.effects.find((e) => e.type === 'schedule-tick');
  assert.deepEqual(wake, { type: 'schedule-tick', at: T0 + 10 * MINUTE });
  engine.handle({ type: 'tick', at: T0 + 10 * MINUTE });
  assert.notEqual(engine.state.name, 'baking');
  assert.equal(
    engine.view().waves[0]?.verdict?.verdict,
    'marginal',
    'no control reports to compare',
  );
});
