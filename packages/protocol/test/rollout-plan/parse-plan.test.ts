import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePlan, planIssues, rolloutPlanSchema } from '../../src/rollout-plan/index.js';
import { BASE } from './base-plan.js';

const EXAMPLE = fileURLToPath(
  new URL('../../../../../examples/rollout-plan.yaml', import.meta.url),
);

test('plan: the documented example parses', () => {
  const plan = parsePlan(readFileSync(EXAMPLE, 'utf8'), 'examples/rollout-plan.yaml');
  assert.deepEqual(plan.target, { labels: { env: 'prod' } });
  assert.deepEqual(
    plan.waves.map((w) => w.name),
    ['canary', 'early', 'broad', 'everyone'],
  );
  assert.equal(plan.onFail, 'rollback');
  assert.equal(plan.expedite?.ignoreMaintenanceWindows, true);
  assert.equal(plan.judge.metrics.length, 3);
});

test('plan: values are converted and defaults filled in', () => {
  const plan = parsePlan(BASE, 'plan.yaml');
  assert.deepEqual(plan.waves[0], {
    name: 'canary',
    size: { labels: { ring: 'canary' } },
    bakeSeconds: 3600,
    approval: false,
  });
  assert.deepEqual(plan.waves[2], {
    name: 'broad',
    size: { percent: 40 },
    bakeSeconds: 14_400,
    approval: true,
  });
  assert.deepEqual(plan.waves[3]?.size, { rest: true });
  assert.deepEqual(plan.maintenanceWindows, [
    { cron: '0 22 * * mon-fri', timezone: 'Europe/Berlin', durationSeconds: 21_600 },
  ]);
  assert.equal(plan.waveTimeoutSeconds, 86_400);
  assert.equal(plan.installTimeoutSeconds, 7200);
  assert.deepEqual(plan.judge, {
    alpha: 0.05,
    controlSize: 'wave',
    minSamples: 10,
    failureRateTolerancePoints: 1,
    metrics: [{ name: 'cpu_percent', direction: 'increase-is-bad', tolerance: { relative: 0.1 } }],
    onMarginal: 'continue',
  });
  assert.deepEqual(
    plan.expedite?.waves.map((w) => w.name),
    ['wave 1', 'wave 2'],
  );
});

test('plan: JSON works the same as YAML, and "all" is a target', () => {
  const json = JSON.stringify({
    version: 1,
    target: 'all',
    waves: [
      { count: 5, bake: '10m' },
      { rest: true, bake: '0s' },
    ],
  });
  const plan = parsePlan(json, 'plan.json');
  assert.deepEqual(plan.target, { all: true });
  assert.deepEqual(
    plan.waves.map((w) => w.size),
    [{ count: 5 }, { rest: true }],
  );
  assert.deepEqual(plan.thresholds, { successPercent: 95, failurePercent: 5 });
  assert.equal(plan.onFail, 'pause');
});

test('plan: the exported schema validates already-parsed values', () => {
  const ok = rolloutPlanSchema.safeParse({
    version: 1,
    target: { ids: ['a', 'b'] },
    waves: [
      { ids: ['a'], bake: '1h' },
      { rest: true, bake: '1h' },
    ],
  });
  assert.ok(ok.success);
  const bad = rolloutPlanSchema.safeParse({
    version: 1,
    target: { ids: ['a'] },
    waves: [
      { ids: ['z'], bake: '1h' },
      { rest: true, bake: '1h' },
    ],
  });
  assert.ok(!bad.success);
  assert.deepEqual(bad.error.issues[0]?.path, ['waves', 0, 'ids']);
  assert.deepEqual(planIssues(BASE), []);
});
