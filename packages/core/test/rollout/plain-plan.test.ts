/**
 * A plain rollout on the engine (ADR 0015): one wave of exactly the selected devices, all told at
 * once, ended by the last report (with failures too), and rolled back like any rollout; a device
 * that refuses its undo (a later install is on disk) no longer holds the rollback open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutEngine, plainPlan } from '../../src/rollout/index.js';
import type { EngineEffect } from '../../src/rollout/index.js';
import { T0, fleet } from './fixtures.js';

const notified = (effects: readonly EngineEffect[]) =>
  effects.flatMap((e) => (e.type === 'notify-devices' ? e.deviceIds : []));

function started(ids: readonly string[]) {
  return RolloutEngine.create({
    rolloutId: 'ro_plain',
    plan: plainPlan(ids),
    devices: fleet(5),
    now: T0,
    plain: true,
  });
}

test('plain plan: exactly the selected devices are told at once; the last report ends it', () => {
  const ids = ['dev-3', 'dev-0', 'dev-4'];
  const { engine, effects } = started(ids);
  assert.deepEqual(notified(effects).sort(), [...ids].sort());
  assert.equal(engine.snapshot().plain, true);
  engine.handle({ type: 'device-result', at: T0 + 1, deviceId: 'dev-3', ok: true });
  engine.handle({ type: 'device-result', at: T0 + 2, deviceId: 'dev-0', ok: false });
  assert.equal(engine.state.name, 'baking', 'still waiting for dev-4, with no timeout');
  const late = T0 + 30 * 24 * 3600 * 1000;
  engine.handle({ type: 'tick', at: late });
  assert.equal(engine.state.name, 'baking', 'a silent device keeps it open');
  engine.handle({ type: 'device-result', at: late, deviceId: 'dev-4', ok: true });
  assert.equal(engine.state.name, 'completed');
  assert.deepEqual(
    engine.view().waves.map((w) => [w.succeeded, w.failed]),
    [[2, 1]],
  );
  assert.deepEqual(engine.allowedOperatorInputs(), ['rollback']);
});

test('plain plan: a rollback waits for each device; a refusal stops the wait, named in the record', () => {
  const { engine } = started(['dev-0', 'dev-1', 'dev-2']);
  for (const id of ['dev-0', 'dev-1', 'dev-2'])
    engine.handle({ type: 'device-result', at: T0 + 1, deviceId: id, ok: true });
  const step = engine.handle({ type: 'rollback', at: T0 + 2, by: 'ops' });
  const commanded = step.effects.flatMap((e) =>
    e.type === 'roll-back-devices' ? e.deviceIds : [],
  );
  assert.deepEqual(commanded.sort(), ['dev-0', 'dev-1', 'dev-2']);
  engine.handle({ type: 'device-rolled-back', at: T0 + 3, deviceId: 'dev-0' });
  const reason = 'app@1.5.0 is not the install in force (app@1.6.0 is)';
  const refusal = { type: 'device-rollback-refused', at: T0 + 4, reason } as const;
  engine.handle({ ...refusal, deviceId: 'dev-9' }); // never asked: ignored
  assert.equal(engine.view().rollback?.pending, 2);
  engine.handle({ ...refusal, deviceId: 'dev-1' });
  engine.handle({ ...refusal, deviceId: 'dev-1' }); // repeated: counted once
  assert.equal(engine.state.name, 'rolling-back');
  const done = engine.handle({ type: 'device-rolled-back', at: T0 + 5, deviceId: 'dev-2' });
  assert.equal(engine.state.name, 'rolled-back');
  assert.deepEqual(engine.view().rollback, { total: 3, pending: 0, refused: { 'dev-1': reason } });
  const record = done.effects.find((e) => e.type === 'record');
  assert.match(
    record?.type === 'record' ? record.entry.detail : '',
    /^2 device\(s\) rolled back; 1 refused \(a later install is on disk\)$/,
  );
  const restored = RolloutEngine.restore(engine.snapshot());
  assert.deepEqual(restored.view().rollback, engine.view().rollback, 'survives a restart');
});
