/**
 * The driver's persistence invariant, on a real SQLite store and the in-process bus: a server
 * that dies at any point of a rollout resumes from the stored snapshot and input journal, and no
 * device is told to install twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RolloutEngine } from '@patchcast/core';
import type { RolloutPlan } from '@patchcast/core';
import { parsePlan } from '@patchcast/protocol';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { RolloutDriver } from '../../src/features/rollouts/rollout-driver.js';
import { decisionsOf } from '../../src/features/rollouts/rollout-effects.js';
import type { RolloutRecord } from '../../src/storage/store.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const DEVICES = ['dev_a', 'dev_b', 'dev_c', 'dev_d', 'dev_e', 'dev_f'];
const PLAN: RolloutPlan = parsePlan(
  `version: 1
target: { all: true }
maxConcurrent: 1
waves:
  - { name: canary, count: 2, bake: 1s }
  - { name: rest, rest: true, bake: 1s }
thresholds: { successPercent: 50, failurePercent: 50 }
`,
  'plan.yaml',
);

interface World {
  store: SqliteStore;
  notified: string[];
  driver: RolloutDriver;
  bus: MemoryBus;
}

function node(path: string, notified: string[], clock: { now: number }): World {
  const store = new SqliteStore(path);
  const bus = new MemoryBus((error) => assert.fail(String(error)));
  bus.subscribe('notice', (event) => {
    notified.push(...event.deviceIds);
    return Promise.resolve();
  });
  const driver = new RolloutDriver({
    store,
    bus,
    log: { append: () => Promise.resolve(0), sequencePending: () => Promise.resolve() },
    now: () => new Date(clock.now),
    onError: (error) => assert.fail(String(error)),
  });
  return { store, notified, driver, bus };
}

async function createRollout(
  world: World,
  clock: { now: number },
  plan: RolloutPlan = PLAN,
): Promise<void> {
  for (const id of DEVICES)
    await world.store.createDevice({
      id,
      name: id,
      publicKey: id.padEnd(64, '0'),
      labels: {},
      inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
      enrolledAt: new Date(T0).toISOString(),
      lastSeenAt: null,
      lastTimestampVersion: 0,
    });
  const devices = DEVICES.map((id) => ({ id, labels: {} }));
  const { engine, effects } = RolloutEngine.create({
    rolloutId: 'ro_1',
    plan,
    devices,
    now: clock.now,
  });
  const rollout: RolloutRecord = {
    id: 'ro_1',
    patch: { name: 'p', version: '1' },
    targetPath: 'p/1/bundle.tar',
    selector: { all: true },
    state: 'in-progress',
    createdAt: new Date(clock.now).toISOString(),
    createdBy: 'test',
    completedAt: null,
  };
  const snapshot = { snapshot: JSON.stringify(engine.snapshot()), inputSeq: 0 };
  await world.store.rolloutEngine.create(rollout, DEVICES, snapshot, decisionsOf(effects));
  await world.driver.adopt(
    rollout,
    engine,
    effects.filter((e) => e.type !== 'record'),
  );
}

const ok = (deviceId: string, at: number) =>
  ({ type: 'device-result', at, deviceId, ok: true }) as const;

test('rollout driver: kill at any point, restart, continue; each device is notified once', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcast-driver-')), 'test.db');
  const notified: string[] = [];
  const clock = { now: T0 };
  const first = node(path, notified, clock);
  await createRollout(first, clock);
  assert.equal(notified.length, 1, 'maxConcurrent 1: one device at a time');
  for (const deviceId of first.driver.peek('ro_1')?.waves[0]?.control ?? [])
    await first.driver.input('ro_1', {
      type: 'control-report',
      at: clock.now,
      wave: 0,
      deviceId,
      healthy: true,
    });
  clock.now += 1000;
  await first.driver.input('ro_1', ok(notified[0] ?? '', clock.now));
  assert.equal(notified.length, 2);
  // The node dies right after journaling the next input, before the engine saw it.
  clock.now += 1000;
  await first.store.rolloutEngine.appendInput(
    'ro_1',
    JSON.stringify(ok(notified[1] ?? '', clock.now)),
  );
  first.driver.stop();
  await first.store.close();

  const second = node(path, notified, clock);
  clock.now += 5000;
  await second.driver.start('ro_1');
  assert.equal(second.driver.peek('ro_1')?.machine.name, 'in-wave', 'wave 2 started after replay');
  assert.equal(notified.length, 3, 'the replayed input released the next device exactly once');
  for (let i = 2; i < DEVICES.length; i += 1) {
    clock.now += 1000;
    await second.driver.input('ro_1', ok(notified[i] ?? '', clock.now));
  }
  clock.now += 5000;
  await second.driver.input('ro_1', { type: 'tick', at: clock.now });
  assert.equal((await second.store.getRollout('ro_1'))?.state, 'completed');
  assert.deepEqual([...notified].sort(), DEVICES, 'every device notified exactly once');
  assert.equal(second.driver.has('ro_1'), false, 'a finished rollout is no longer driven');
  const decisions = await second.store.rolloutEngine.decisions('ro_1');
  assert.deepEqual(
    decisions.map((d) => d.to),
    [
      'waiting-window',
      'in-wave',
      'baking',
      'judging',
      'waiting-window',
      'in-wave',
      'baking',
      'judging',
      'completed',
    ],
  );
  second.driver.stop();
  await second.store.close();
});

test('rollout driver: a restart resumes the stored state, not the creation', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcast-driver-')), 'test.db');
  const notified: string[] = [];
  const clock = { now: T0 };
  const first = node(path, notified, clock);
  await createRollout(first, clock);
  await first.driver.input('ro_1', { type: 'pause', at: clock.now, by: 'alice' });
  first.driver.stop();
  await first.store.close();
  const second = node(path, notified, clock);
  await second.driver.start('ro_1');
  const state = second.driver.peek('ro_1')?.machine;
  assert.deepEqual(state, { name: 'paused', wave: 0, resume: 'in-wave', reason: 'operator' });
  assert.equal(notified.length, 1, 'nothing new is released while paused');
  second.driver.stop();
  await second.store.close();
});

test('rollout driver: onFail rollback sends the command to installed devices and ends rolled-back', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcast-driver-')), 'test.db');
  const clock = { now: T0 };
  const world = node(path, [], clock);
  const rollbacks: string[] = [];
  world.bus.subscribe('device-command', (event) => {
    if (event.kind === 'rollback') rollbacks.push(...event.deviceIds);
    return Promise.resolve();
  });
  const plan = parsePlan(
    `version: 1
target: { all: true }
waves:
  - { name: canary, count: 4, bake: 1s }
  - { name: rest, rest: true, bake: 1s }
thresholds: { successPercent: 50, failurePercent: 25 }
onFail: rollback
`,
    'plan.yaml',
  );
  await createRollout(world, clock, plan);
  const told = world.driver.peek('ro_1')?.waves[0]?.devices ?? [];
  assert.equal(told.length, 4);
  const [a, b, c] = told;
  await world.driver.input('ro_1', ok(a ?? '', clock.now));
  await world.driver.input('ro_1', {
    type: 'device-result',
    at: clock.now,
    deviceId: b ?? '',
    ok: false,
  });
  assert.equal(
    world.driver.peek('ro_1')?.machine.name,
    'in-wave',
    '1 of 4 failed: at the threshold',
  );
  await world.driver.input('ro_1', {
    type: 'device-result',
    at: clock.now,
    deviceId: c ?? '',
    ok: false,
  });
  assert.equal(world.driver.peek('ro_1')?.machine.name, 'rolling-back', '2 of 4 failed > 25%');
  assert.deepEqual(
    [...rollbacks].sort(),
    told.filter((id) => id !== b && id !== c).sort(),
    'the command goes to every told device that did not fail',
  );
  for (const id of rollbacks)
    await world.driver.input('ro_1', { type: 'device-rolled-back', at: clock.now, deviceId: id });
  assert.equal((await world.store.getRollout('ro_1'))?.state, 'rolled-back');
  world.driver.stop();
  await world.store.close();
});

test('rollout driver: inputs another node journals are applied in journal order', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcast-driver-')), 'test.db');
  const notified: string[] = [];
  const clock = { now: T0 };
  const driving = node(path, notified, clock);
  await createRollout(driving, clock);
  const other = new SqliteStore(path);
  const first = notified[0] ?? '';
  await other.rolloutEngine.appendInput('ro_1', JSON.stringify(ok(first, clock.now)));
  assert.equal(driving.driver.peek('ro_1')?.results[first], undefined, 'not seen before catch-up');
  await driving.driver.catchUp('ro_1');
  assert.equal(driving.driver.peek('ro_1')?.results[first]?.ok, true);
  assert.equal(notified.length, 2, 'the freed slot went to the next device');
  const second = notified[1] ?? '';
  await other.rolloutEngine.appendInput('ro_1', JSON.stringify(ok(second, clock.now)));
  const result = await driving.driver.input('ro_1', { type: 'pause', at: clock.now, by: 'bob' });
  assert.equal(result?.refusal, null);
  assert.equal(driving.driver.peek('ro_1')?.results[second]?.ok, true, 'applied before the pause');
  assert.equal(driving.driver.peek('ro_1')?.machine.name, 'paused');
  await other.close();
  driving.driver.stop();
  await driving.store.close();
});

test(
  'rollout driver: a server restarted mid-bake wakes up by itself when the bake ends',
  { timeout: 30_000 },
  async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'patchcast-driver-')), 'test.db');
    const notified: string[] = [];
    const clock = {
      get now() {
        return Date.now();
      },
    };
    const first = node(path, notified, clock);
    await createRollout(first, clock);
    for (const deviceId of first.driver.peek('ro_1')?.waves[0]?.control ?? [])
      await first.driver.input('ro_1', {
        type: 'control-report',
        at: clock.now,
        wave: 0,
        deviceId,
        healthy: true,
      });
    await first.driver.input('ro_1', ok(notified[0] ?? '', clock.now));
    await first.driver.input('ro_1', ok(notified[1] ?? '', clock.now));
    assert.equal(first.driver.peek('ro_1')?.machine.name, 'baking');
    first.driver.stop();
    await first.store.close();

    const second = node(path, notified, clock);
    await second.driver.start('ro_1');
    const moved = await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        const state = second.driver.peek('ro_1')?.machine.name ?? 'gone';
        if (state !== 'baking') {
          clearInterval(poll);
          resolve(state);
        }
      }, 20);
    });
    assert.equal(moved, 'in-wave', 'the bake ended, wave 1 passed, wave 2 started');
    assert.equal(notified.length, 3);
    second.driver.stop();
    await second.store.close();
  },
);
