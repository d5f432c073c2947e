import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignWaves, chooseControls, deviceRank, orderTarget } from '../../src/rollout/index.js';
import type { FleetDevice } from '../../src/rollout/index.js';
import { fleet, plan, wave } from './fixtures.js';

test('wave assignment: deterministic hash order per rollout', () => {
  const devices = fleet(200);
  const a = orderTarget(plan(), 'rollout-a', devices).map((d) => d.id);
  const again = orderTarget(plan(), 'rollout-a', [...devices].reverse()).map((d) => d.id);
  const b = orderTarget(plan(), 'rollout-b', devices).map((d) => d.id);
  assert.deepEqual(a, again, 'input order does not matter');
  assert.notDeepEqual(a, b, 'another rollout spreads the early risk differently');
  assert.match(deviceRank('r', 'd'), /^[0-9a-f]{64}$/);
  assert.equal(new Set(a).size, 200);
});

test('wave assignment: percent of the target rounded up, rest takes the remainder', () => {
  const waves = [
    wave('a', { percent: 1 }),
    wave('b', { percent: 24.5 }),
    wave('c', { rest: true }),
  ];
  const sizes = assignWaves(waves, fleet(1000)).map((w) => w.length);
  assert.deepEqual(sizes, [10, 245, 745]);
  const percents = [wave('a', { percent: 10 }), wave('b', { percent: 90 })];
  assert.deepEqual(
    assignWaves(percents, fleet(15)).map((w) => w.length),
    [2, 13],
  );
  const counts = [wave('a', { count: 5 }), wave('b', { count: 500 }), wave('c', { rest: true })];
  assert.deepEqual(
    assignWaves(counts, fleet(50)).map((w) => w.length),
    [5, 45, 0],
  );
});

test('wave assignment: selector waves claim their devices first, each device once', () => {
  const devices: FleetDevice[] = [
    ...fleet(10, { ring: 'canary' }),
    ...fleet(90).map((d) => ({ ...d, id: `other-${d.id}` })),
  ];
  const waves = [
    wave('pct', { percent: 10 }),
    wave('canary', { labels: { ring: 'canary' } }),
    wave('vip', { ids: ['other-dev-5', 'dev-1'] }),
    wave('rest', { rest: true }),
  ];
  const assigned = assignWaves(waves, orderTarget(plan(), 'r', devices));
  assert.equal(assigned[1]?.length, 10);
  assert.deepEqual(assigned[2], ['other-dev-5']);
  assert.equal(assigned[0]?.length, 10);
  assert.ok(assigned[0]?.every((id) => id.startsWith('other-')));
  const all = assigned.flat();
  assert.equal(all.length, 100);
  assert.equal(new Set(all).size, 100);
});

test('wave assignment: target selector and control cohorts', () => {
  const devices = [
    ...fleet(30, { env: 'prod' }),
    ...fleet(5, { env: 'dev' }).map((d) => ({ ...d, id: `x${d.id}` })),
  ];
  const prod = orderTarget(plan({ target: { labels: { env: 'prod' } } }), 'r', devices);
  assert.equal(prod.length, 30);
  const waves = assignWaves(plan().waves, prod);
  assert.deepEqual(
    waves.map((w) => w.length),
    [10, 15, 5],
  );
  const controls = chooseControls(waves, plan().judge);
  assert.deepEqual(
    controls.map((c) => c.length),
    [10, 5, 0],
    'capped by the unpatched devices left',
  );
  assert.deepEqual(controls[0], [...(waves[1] ?? []), ...(waves[2] ?? [])].slice(-10));
  for (const [i, control] of controls.entries())
    for (const id of control)
      assert.ok(
        !waves
          .slice(0, i + 1)
          .flat()
          .includes(id),
        'controls are unpatched',
      );
  const fixed = chooseControls(waves, { ...plan().judge, controlSize: 3 });
  assert.deepEqual(
    fixed.map((c) => c.length),
    [3, 3, 0],
  );
});
