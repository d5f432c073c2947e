import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Driver, steadyMetrics } from './engine-driver.js';
import { HOUR, MINUTE, T0, fleet, plan, wave } from './fixtures.js';

const nameOf = (driver: Driver): string => driver.engine.state.name;
const healthy = { ok: () => true, metrics: steadyMetrics() };

test('engine: a healthy patch flows through every wave to completion', () => {
  const driver = Driver.start(
    { rolloutId: 'r1', plan: plan(), devices: fleet(100), now: T0 },
    healthy,
  );
  driver.run();
  const view = driver.engine.view();
  assert.equal(view.state.name, 'completed');
  assert.deepEqual(
    view.waves.map((w) => [w.devices, w.succeeded, w.failed, w.verdict?.verdict]),
    [
      [10, 10, 0, 'pass'],
      [50, 50, 0, 'pass'],
      [40, 40, 0, 'pass'],
    ],
  );
  assert.deepEqual(driver.transitions(), [
    '->waiting-window@0',
    'waiting-window>in-wave@0',
    'in-wave>baking@0',
    'baking>judging@0',
    'judging>waiting-window@0',
    'waiting-window>in-wave@1',
    'in-wave>baking@1',
    'baking>judging@1',
    'judging>waiting-window@1',
    'waiting-window>in-wave@2',
    'in-wave>baking@2',
    'baking>judging@2',
    'judging>completed@2',
  ]);
  const notified = driver.effects.flatMap((e) => (e.type === 'notify-devices' ? e.deviceIds : []));
  assert.equal(new Set(notified).size, 100, 'each device is told once');
  assert.deepEqual(
    driver.records.map((r) => r.seq),
    driver.records.map((_, i) => i + 1),
  );
  const bake = driver.records.find((r) => r.to === 'judging');
  const baking = driver.records.find((r) => r.to === 'baking');
  assert.equal((bake?.at ?? 0) - (baking?.at ?? 0), 600_000, 'judged after the bake time');
});

test('engine: a failing patch pauses at the failure threshold in the first wave', () => {
  const bad = { ok: (id: string) => !/[0357]$/.test(id), metrics: steadyMetrics() };
  const driver = Driver.start({ rolloutId: 'r2', plan: plan(), devices: fleet(100), now: T0 }, bad);
  driver.run();
  const { state, waves } = driver.engine.view();
  assert.deepEqual(state, {
    name: 'paused',
    wave: 0,
    resume: 'in-wave',
    reason: 'failure-threshold',
  });
  assert.equal(waves[1]?.notified, 0, 'no device of the next wave was touched');
  assert.match(
    driver.records.at(-1)?.detail ?? '',
    /devices failed: above the failure threshold of 20%/,
  );
});

test('engine: a judged failure rolls back every patched device when the plan says so', () => {
  const slow = { ok: () => true, metrics: steadyMetrics(0.5) };
  const driver = Driver.start(
    { rolloutId: 'r3', plan: plan({ onFail: 'rollback' }), devices: fleet(100), now: T0 },
    slow,
  );
  driver.run();
  const view = driver.engine.view();
  assert.equal(view.state.name, 'rolled-back');
  assert.equal(view.waves[0]?.verdict?.verdict, 'fail');
  const rolled = driver.effects.find((e) => e.type === 'roll-back-devices');
  assert.equal(rolled?.type === 'roll-back-devices' && rolled.deviceIds.length, 10);
  assert.deepEqual(view.rollback, { total: 10, pending: 0 });
  const verdict = driver.records.find((r) => r.verdict !== null);
  assert.match(verdict?.detail ?? '', /judge: fail: cpu: increase/);
});

test('engine: approval gates wait for the right wave', () => {
  const gated = plan({ waves: [wave('a', { count: 10 }), wave('b', { rest: true }, 60, true)] });
  const driver = Driver.start(
    { rolloutId: 'r4', plan: gated, devices: fleet(30), now: T0 },
    healthy,
  );
  driver.run();
  assert.deepEqual(driver.engine.state, { name: 'pending-approval', wave: 1 });
  assert.ok(driver.effects.some((e) => e.type === 'request-approval' && e.wave === 1));
  driver.send({ type: 'approve', at: driver.now + HOUR, wave: 0, by: 'alice' });
  assert.equal(driver.refusals.at(-1)?.event, 'approve');
  driver.send({ type: 'approve', at: driver.now + HOUR, wave: 1, by: 'alice' });
  assert.equal(driver.records.find((r) => r.event === 'approve')?.by, 'alice');
  driver.run();
  assert.equal(nameOf(driver), 'completed');
});

test('engine: installs start only inside maintenance windows', () => {
  const nightly = plan({
    maxConcurrent: 5,
    maintenanceWindows: [{ cron: '0 22 * * *', timezone: 'UTC', durationSeconds: 2 * 3600 }],
  });
  const driver = Driver.start(
    { rolloutId: 'r5', plan: nightly, devices: fleet(100), now: T0 },
    healthy,
  );
  assert.equal(nameOf(driver), 'waiting-window');
  assert.ok(
    driver.effects.some((e) => e.type === 'schedule-tick' && e.at === Date.UTC(2025, 0, 6, 22)),
  );
  driver.run();
  assert.equal(nameOf(driver), 'completed');
  for (const effect of driver.effects) {
    if (effect.type !== 'notify-devices') continue;
    assert.ok(effect.deviceIds.length <= 5, 'at most maxConcurrent in flight');
  }
  const notifyTimes = driver.records
    .filter((r) => r.to === 'in-wave')
    .map((r) => new Date(r.at).getUTCHours());
  for (const hour of notifyTimes) assert.ok(hour === 22 || hour === 23, `wave started at ${hour}h`);
});

test('engine: silent devices free their slot after the install timeout; slow waves time out', () => {
  const silent = { ...healthy, silent: (id: string) => /[0-4]$/.test(id) };
  const p = plan({ maxConcurrent: 20, installTimeoutSeconds: 600, waveTimeoutSeconds: 3600 });
  const driver = Driver.start({ rolloutId: 'r6', plan: p, devices: fleet(100), now: T0 }, silent);
  driver.run();
  assert.deepEqual(driver.engine.state, {
    name: 'paused',
    wave: 0,
    resume: 'in-wave',
    reason: 'wave-timeout',
  });
  assert.equal(driver.records.at(-1)?.at, T0 + HOUR);
  driver.send({ type: 'resume', at: driver.now + MINUTE, by: 'bob' });
  assert.equal(nameOf(driver), 'in-wave');
  driver.run(driver.now + 2 * HOUR);
  assert.equal(nameOf(driver), 'paused', 'the deadline was extended, then passed again');
  const p2 = plan({
    maxConcurrent: 20,
    installTimeoutSeconds: 600,
    thresholds: { successPercent: 40, failurePercent: 20 },
  });
  const second = Driver.start({ rolloutId: 'r6b', plan: p2, devices: fleet(100), now: T0 }, silent);
  second.run();
  assert.equal(nameOf(second), 'completed', 'slots freed by the timeout let the rollout go on');
});

test('engine: operator commands, refusals and rollback after completion', () => {
  const driver = Driver.start(
    { rolloutId: 'r7', plan: plan(), devices: fleet(100), now: T0 },
    healthy,
  );
  driver.send({ type: 'pause', at: T0 + 1, by: 'carol' });
  assert.deepEqual(driver.engine.state, {
    name: 'paused',
    wave: 0,
    resume: 'in-wave',
    reason: 'operator',
  });
  const before = JSON.stringify(driver.engine.snapshot());
  const refused = driver.engine.handle({ type: 'pause', at: T0 + 2 });
  assert.equal(refused.refusal?.reason, 'pause is not allowed while paused');
  assert.equal(refused.effects.length, 0);
  assert.equal(JSON.stringify(driver.engine.snapshot()), before, 'a refusal changes nothing');
  driver.send({ type: 'resume', at: T0 + 3 });
  driver.run();
  assert.equal(nameOf(driver), 'completed');
  driver.send({ type: 'rollback', at: driver.now + HOUR, by: 'carol' });
  driver.run();
  assert.equal(nameOf(driver), 'rolled-back');
  assert.deepEqual(driver.engine.view().rollback, { total: 100, pending: 0 });
  const aborted = Driver.start(
    { rolloutId: 'r8', plan: plan(), devices: fleet(10), now: T0 },
    healthy,
  );
  aborted.send({ type: 'abort', at: T0 + 1 });
  assert.equal(nameOf(aborted), 'aborted');
  assert.ok(aborted.engine.handle({ type: 'resume', at: T0 + 2 }).refusal !== null);
});

test('engine: duplicate, unknown and unasked reports are ignored', () => {
  const driver = Driver.start(
    { rolloutId: 'r9', plan: plan(), devices: fleet(100), now: T0 },
    healthy,
  );
  const first = driver.effects.find((e) => e.type === 'notify-devices');
  const id = first?.type === 'notify-devices' ? (first.deviceIds[0] ?? '') : '';
  driver.send({ type: 'device-result', at: T0 + 1, deviceId: id, ok: false });
  driver.send({ type: 'device-result', at: T0 + 2, deviceId: id, ok: true });
  driver.send({ type: 'device-result', at: T0 + 2, deviceId: 'nobody', ok: false });
  driver.send({ type: 'control-report', at: T0 + 2, wave: 0, deviceId: id, healthy: false });
  const wave0 = driver.engine.view().waves[0];
  assert.deepEqual([wave0?.failed, wave0?.succeeded, wave0?.controlReports], [1, 0, 0]);
});

test('engine: the expedite policy uses its own waves and ignores windows', () => {
  const urgent = plan({
    maintenanceWindows: [{ cron: '0 3 * * sun', timezone: 'UTC', durationSeconds: 3600 }],
    expedite: {
      waves: [wave('first', { percent: 20 }, 60), wave('all', { rest: true }, 60)],
      ignoreMaintenanceWindows: true,
    },
  });
  const driver = Driver.start(
    { rolloutId: 'r10', plan: urgent, devices: fleet(100), now: T0, expedite: true },
    healthy,
  );
  driver.run();
  const view = driver.engine.view();
  assert.equal(view.expedited, true);
  assert.equal(view.state.name, 'completed');
  assert.deepEqual(
    view.waves.map((w) => w.devices),
    [20, 80],
  );
  assert.ok((driver.records.at(-1)?.at ?? 0) - T0 < 2 * HOUR, 'no waiting for Sunday');
  assert.match(driver.records[0]?.detail ?? '', /expedited/);
});
