import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutEngine } from '../../src/rollout/index.js';
import type { EngineState } from '../../src/rollout/index.js';
import { Driver, steadyMetrics } from './engine-driver.js';
import { MINUTE, T0, fleet, plan, wave } from './fixtures.js';

const PLAN = plan({
  maxConcurrent: 7,
  waves: [
    wave('a', { count: 10 }),
    wave('b', { percent: 30 }, 600, true),
    wave('c', { rest: true }),
  ],
});
const FLEET = { ok: (id: string) => id !== 'dev-7', metrics: steadyMetrics(), autoApprove: true };

function fresh(): Driver {
  return Driver.start({ rolloutId: 'resume', plan: PLAN, devices: fleet(120), now: T0 }, FLEET);
}

test('engine resume: a restored snapshot continues exactly like an uninterrupted run', () => {
  const whole = fresh();
  whole.run();
  assert.equal(whole.engine.state.name, 'completed');
  const checkpoints = [T0 + 3 * MINUTE, T0 + 15 * MINUTE, T0 + 40 * MINUTE, T0 + 90 * MINUTE];
  for (const stopAt of checkpoints) {
    const interrupted = fresh();
    interrupted.run(stopAt);
    const persisted = JSON.stringify(interrupted.engine.snapshot());
    interrupted.engine = RolloutEngine.restore(JSON.parse(persisted) as EngineState);
    interrupted.run();
    assert.deepEqual(
      interrupted.records,
      whole.records,
      `restart at +${(stopAt - T0) / MINUTE} min`,
    );
    assert.deepEqual(interrupted.engine.snapshot(), whole.engine.snapshot());
  }
});

test('engine resume: snapshots are plain JSON and unknown formats are refused', () => {
  const driver = fresh();
  driver.run(T0 + 20 * MINUTE);
  const snapshot = driver.engine.snapshot();
  assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  assert.throws(
    () => RolloutEngine.restore({ ...snapshot, format: 2 } as unknown as EngineState),
    /unknown rollout state format/,
  );
  const copy = driver.engine.snapshot();
  copy.waves.length = 0;
  assert.equal(driver.engine.snapshot().waves.length, 3, 'snapshots are copies');
});
