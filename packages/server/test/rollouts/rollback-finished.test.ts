/**
 * Rolling back a planned rollout after it completed (a bad patch found a day later), through the
 * server's PlannedRollouts on a real SQLite store and the in-process bus: the operator input is
 * journaled, the rollout reopened and driven again (also across a restart), every device that
 * installed is commanded, each confirmation moves its assignment to rolled-back and is logged,
 * and the rollout ends rolled-back with a second rollout-completed entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetPathOf } from '@patchcast/protocol';
import type { LogEventInput, Report } from '@patchcast/protocol';
import { KeptEvents } from '../log/kept-events.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { RolloutDriver } from '../../src/features/rollouts/rollout-driver.js';
import { PlannedRollouts } from '../../src/features/rollouts/planned-rollouts.js';
import { RolloutReports } from '../../src/features/rollouts/rollout-reports.js';
import { pendingCommands } from '../../src/features/rollouts/reconnect.js';
import type { RolloutDeps } from '../../src/features/rollouts/rollout-service.js';
import type { RepositoryService } from '../../src/features/repository/repository-service.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const DEVICES = ['dev_a', 'dev_b', 'dev_c', 'dev_d'];
const PATCH = { name: 'app', version: '2.0.0' };
const PLAN = `version: 1
target: { all: true }
waves:
  - { name: everyone, rest: true, bake: 1s }
thresholds: { successPercent: 50, failurePercent: 50 }
`;

/** The one thing PlannedRollouts asks the repository: may the rollout start (its target path). */
const repository = {
  assertRolloutAllowed: () => Promise.resolve(targetPathOf(PATCH)),
} as unknown as RepositoryService;

interface Node {
  readonly store: SqliteStore;
  readonly driver: RolloutDriver;
  readonly planned: PlannedRollouts;
  readonly reports: RolloutReports;
  readonly rollbacks: string[];
}

function node(path: string, clock: { now: number }, log: LogEventInput[]): Node {
  const store = new SqliteStore(path);
  const bus = new MemoryBus((error) => assert.fail(String(error)));
  const rollbacks: string[] = [];
  bus.subscribe('device-command', (event) => {
    if (event.kind === 'rollback') rollbacks.push(...event.deviceIds);
    return Promise.resolve();
  });
  const deps: RolloutDeps = {
    store,
    bus,
    repository,
    now: () => new Date(clock.now),
    log: new KeptEvents(log).watch(store.log),
    onError: (error) => assert.fail(String(error)),
  };
  const driver = new RolloutDriver({ ...deps, onError: (error) => assert.fail(String(error)) });
  return {
    store,
    driver,
    planned: new PlannedRollouts(deps, driver),
    reports: new RolloutReports(deps, driver),
    rollbacks,
  };
}

const report = (id: string, rolloutId: string, state: Report['state']): Report => ({
  type: 'report',
  reportId: `${id}-${state}`,
  rolloutId,
  patch: PATCH,
  state,
});

const input = (deviceId: string, r: Report, at: number) => ({
  reportId: r.reportId,
  rolloutId: r.rolloutId,
  deviceId,
  state: r.state,
  error: null,
  timings: null,
  at: new Date(at).toISOString(),
});

async function deliver(n: Node, deviceId: string, r: Report, at: number) {
  return n.reports.report(input(deviceId, r, at), r);
}

test('a completed rollout is rolled back later, across a restart, and ends rolled-back', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcast-rollback-')), 'test.db');
  const clock = { now: T0 };
  const log: LogEventInput[] = [];
  const first = node(path, clock, log);
  for (const id of DEVICES)
    await first.store.createDevice({
      id,
      name: id,
      publicKey: id.padEnd(64, '0'),
      labels: {},
      inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
      enrolledAt: new Date(T0).toISOString(),
      lastSeenAt: null,
      lastTimestampVersion: 0,
    });
  const { id } = await first.planned.create({ patch: PATCH, plan: PLAN }, 'alice');
  for (const deviceId of DEVICES)
    await deliver(first, deviceId, report(deviceId, id, 'installed'), clock.now);
  clock.now += 2000;
  await first.driver.input(id, { type: 'tick', at: clock.now });
  const completed = await first.planned.progress(id);
  assert.equal(completed.state, 'completed');
  assert.deepEqual(completed.allowed, ['rollback']);
  await assert.rejects(first.planned.act(id, 'resume', 'bob'), {
    code: 'ROLLOUT_TRANSITION_REFUSED',
    message: new RegExp(`rollout ${id} is completed: .*allowed now: rollback`),
  });

  clock.now += 60_000;
  const reopened = await first.planned.act(id, 'rollback', 'bob');
  assert.equal(reopened.state, 'in-progress');
  assert.equal(reopened.phase, 'rolling-back');
  assert.deepEqual([...first.rollbacks].sort(), DEVICES, 'every device that installed');
  const decision = log.find((e) => e.type === 'rollout-decision' && e.event === 'rollback');
  assert.deepEqual(
    decision?.type === 'rollout-decision' && [decision.from, decision.decidedBy, decision.by],
    ['completed', 'operator', 'bob'],
  );

  // Another node of a cluster, which does not drive the rollout, sends a reconnecting device
  // the rollback command its stored engine state waits for (ADR 0015).
  const other = node(path, clock, log);
  const pending = await pendingCommands(other.store, other.driver, 'dev_c');
  assert.deepEqual(
    pending.commands.map((c) => [c.kind, c.rolloutId, c.deviceIds]),
    [['rollback', id, ['dev_c']]],
  );
  assert.deepEqual(pending.notices, [], 'nothing to install');
  await other.store.close();

  // Two devices confirm, then the server dies; a new one resumes the rollback where it was.
  for (const deviceId of DEVICES.slice(0, 2))
    assert.equal(
      await deliver(first, deviceId, report(deviceId, id, 'rolled-back'), clock.now),
      'applied',
    );
  first.driver.stop();
  await first.store.close();
  const second = node(path, clock, log);
  assert.deepEqual(await second.store.rolloutEngine.active(), [id]);
  await second.driver.start(id);
  assert.equal(second.driver.peek(id)?.rollback?.pending, 2);
  for (const deviceId of DEVICES.slice(2))
    await deliver(second, deviceId, report(deviceId, id, 'rolled-back'), clock.now);

  const done = await second.planned.progress(id);
  assert.equal(done.state, 'rolled-back');
  assert.deepEqual(done.allowed, []);
  const stored = await second.store.assignments(id);
  assert.deepEqual(
    stored.map((a) => a.state),
    DEVICES.map(() => 'rolled-back'),
  );
  const undone = log.filter((e) => e.type === 'device-rolled-back').map((e) => e.deviceId);
  assert.deepEqual(undone.sort(), DEVICES, 'one device-rolled-back entry per device');
  const ends = log.flatMap((e) => (e.type === 'rollout-completed' ? [e.state] : []));
  assert.deepEqual(ends, ['completed', 'rolled-back']);
  assert.equal(
    log.some((e) => e.type === 'operator-action'),
    false,
    'decisions are rollout-decision entries now',
  );

  // A resent confirmation is a duplicate: nothing is logged twice.
  const again = report('dev_a', id, 'rolled-back');
  assert.equal(
    await second.store.rolloutEngine.applyRollback(input('dev_a', again, clock.now)),
    'duplicate',
  );
  await assert.rejects(second.planned.act(id, 'rollback', 'bob'), {
    code: 'ROLLOUT_TRANSITION_REFUSED',
    message: /is rolled-back: rollback is not allowed once it has ended; allowed now: nothing/,
  });
  second.driver.stop();
  await second.store.close();
});
