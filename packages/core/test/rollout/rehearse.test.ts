import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rehearse } from '../../src/rollout/index.js';
import { plan, wave } from './fixtures.js';
import { PROPERTY_PLAN } from './rehearsal-plan.js';

test('rehearse: 10,000 devices, a healthy patch reaches everyone in well under a minute', () => {
  const started = performance.now();
  const timeline = rehearse({
    plan: PROPERTY_PLAN,
    devices: 10_000,
    failureRate: 0,
    seed: 'big',
    baselineFailureRate: 0.005,
  });
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
  assert.equal(timeline.outcome, 'completed');
  assert.equal(timeline.stoppedInWave, null);
  assert.equal(timeline.devicesPatched + timeline.devicesFailed, 10_000);
  assert.deepEqual(
    timeline.waves.map((w) => w.devices),
    [150, 3000, 6850],
  );
  assert.ok(timeline.waves.every((w) => w.verdict === 'pass' || w.verdict === 'marginal'));
  assert.equal(timeline.decisions.at(-1)?.to, 'completed');
});

test('rehearse: the same seed gives the same timeline, another seed another one', () => {
  const options = {
    plan: PROPERTY_PLAN,
    devices: 2000,
    failureRate: 0.05,
    metricShift: 0.02,
    seed: 'same',
  };
  const a = JSON.stringify(rehearse(options));
  const b = JSON.stringify(rehearse(options));
  assert.equal(a, b);
  assert.notEqual(JSON.stringify(rehearse({ ...options, seed: 'other' })), a);
});

test('rehearse: a harmful patch is stopped and rolled back, with the harm counted', () => {
  const timeline = rehearse({
    plan: { ...PROPERTY_PLAN, onFail: 'rollback' },
    devices: 3000,
    failureRate: 0.3,
    seed: 7,
  });
  assert.equal(timeline.outcome, 'rolled-back');
  assert.equal(timeline.stoppedInWave, 1);
  assert.equal(timeline.waves[1]?.notified, 0);
  assert.ok(timeline.devicesHarmedBeforeStop <= 150);
  assert.ok(timeline.devicesHarmedBeforeStop >= 16, 'more than 10% of 150 failed');
  assert.ok(timeline.devicesRolledBack > 0);
  assert.ok(timeline.decisions.some((d) => /failure threshold/.test(d.detail)));
});

test('rehearse: a metric regression is caught by the judge with its reason', () => {
  const timeline = rehearse({
    plan: PROPERTY_PLAN,
    devices: 1000,
    failureRate: 0,
    metricShift: 0.25,
    seed: 3,
  });
  assert.equal(timeline.outcome, 'paused');
  assert.equal(timeline.stoppedInWave, 1);
  const canary = timeline.waves[0];
  assert.equal(canary?.verdict, 'fail');
  assert.ok(
    canary?.findings.some(
      (f) => f.subject === 'cpu' && f.outcome === 'fail' && /Mann-Whitney/.test(f.reason),
    ),
  );
  assert.equal(timeline.devicesHarmed, timeline.devicesPatched + timeline.devicesFailed);
});

test('rehearse: approvals, windows and selector waves', () => {
  const gated = plan({
    target: { labels: { env: 'prod' } },
    waves: [
      wave('ring0', { labels: { ring: 'canary' } }, 600),
      wave('all', { rest: true }, 600, true),
    ],
    maintenanceWindows: [
      { cron: '0 12 * * *', timezone: 'Europe/Berlin', durationSeconds: 4 * 3600 },
    ],
  });
  const timeline = rehearse({
    plan: gated,
    devices: 500,
    failureRate: 0,
    seed: 1,
    selectorShare: 0.05,
  });
  assert.equal(timeline.outcome, 'completed');
  assert.deepEqual(
    timeline.waves.map((w) => w.devices),
    [25, 475],
  );
  assert.ok(timeline.decisions.some((d) => d.event === 'approve'));
  assert.ok(
    (timeline.waves[0]?.startedAt ?? 0) >= 11 * 3600,
    'waited for 12:00 Berlin (11:00 UTC)',
  );
});

test('rehearse: impossible options are refused', () => {
  const base = { plan: PROPERTY_PLAN, devices: 10, failureRate: 0 };
  assert.throws(() => rehearse({ ...base, devices: 0 }), /devices must be a whole number/);
  assert.throws(() => rehearse({ ...base, devices: 2.5 }), /devices must be a whole number/);
  assert.throws(() => rehearse({ ...base, failureRate: 1.2 }), /between 0 and 1/);
  assert.throws(() => rehearse({ ...base, offlineRate: -1 }), /between 0 and 1/);
  assert.throws(() => rehearse({ ...base, metricShift: Number.NaN }), /metricShift/);
});
