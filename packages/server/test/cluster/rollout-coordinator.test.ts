/**
 * Two nodes in one process: two SqliteStore connections on one database file and two buses on
 * one in-process hub, with a clock the test moves. Node A creates a rollout and "dies" (stops
 * renewing); node B takes the rollout over when the lease expires, and A's late writes are
 * refused by the fencing token.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { DeviceRecord, RolloutRecord, Store } from '../../src/storage/store.js';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { MemoryBusHub } from '../../src/bus/memory/memory-bus-hub.js';
import type { BusEvents, BusHealth } from '../../src/bus/bus.js';
import { ClusterNode } from '../../src/cluster/cluster-node.js';
import { RolloutCoordinator } from '../../src/cluster/rollout-coordinator.js';
import type { LeasedDriver } from '../../src/cluster/rollout-coordinator.js';
import { KeptEvents } from '../log/kept-events.js';

const LEASE_MS = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] };
const noDriver: LeasedDriver = {
  start: () => Promise.resolve(),
  stop: () => undefined,
  has: () => false,
  runningIds: () => [],
};

const device = (id: string): DeviceRecord => ({
  id,
  name: id,
  publicKey: id.padEnd(64, '0'),
  labels: {},
  inventory,
  enrolledAt: new Date(T0).toISOString(),
  lastSeenAt: null,
  lastTimestampVersion: 0,
});

/** A plain rollout of p@1 to every device, in progress. */
const plainRollout = (id: string, at: Date): RolloutRecord => ({
  id,
  patch: { name: 'p', version: '1' },
  targetPath: 'p/1/bundle.tar',
  selector: { all: true },
  state: 'in-progress',
  createdAt: at.toISOString(),
  createdBy: 'admin',
  completedAt: null,
});

/** An in-process bus whose health the test switches (NATS lost and back). */
class SwitchableBus extends MemoryBus {
  degraded = false;
  override health(): BusHealth {
    return this.degraded ? { state: 'degraded', detail: 'test outage' } : { state: 'ok' };
  }
}

/** A log that keeps what was appended: the coordinator's only log use is append. */
interface Node {
  readonly store: Store;
  readonly cluster: ClusterNode;
  readonly coordinator: RolloutCoordinator;
  readonly bus: MemoryBus;
}

describe('rollout leases across two nodes', () => {
  let clock = T0;
  const now = () => new Date(clock);
  const hub = new MemoryBusHub();
  const log = new KeptEvents();
  const errors: unknown[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  function node(id: string, file: string): Node {
    const store = new SqliteStore(file);
    log.watch(store.log);
    const bus = new MemoryBus((e) => errors.push(e), { hub, nodeId: id });
    const cluster = new ClusterNode({ store, bus, log, now, leaseMs: LEASE_MS });
    const coordinator = new RolloutCoordinator({
      store,
      bus,
      log,
      leases: cluster.leases,
      driver: noDriver,
      now,
      leaseMs: LEASE_MS,
      onError: (e) => errors.push(e),
    });
    cleanup.push(
      () => store.close(),
      () => bus.close(),
    );
    return { store, cluster, coordinator, bus };
  }

  test('the creator holds the lease; after it dies another node takes over, fenced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-cluster-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'patchcast.db');
    const a = node('node-a', file);
    const b = node('node-b', file);
    const notices: BusEvents['notice'][] = [];
    b.bus.subscribe('notice', (e) => (notices.push(e), Promise.resolve()));

    for (const id of ['d1', 'd2']) await a.store.createDevice(device(id));
    await a.cluster.store.createRollout(plainRollout('ro_1', now()), ['d1', 'd2']);
    assert.equal(a.cluster.leases.token('ro_1'), 1, 'the creating node took the lease');
    await b.coordinator.tick();
    assert.equal(b.cluster.leases.token('ro_1'), undefined, 'node b may not drive it');

    // d1 reports on node b: the result is announced, node a (the holder) sees it is not done yet
    const report = (device: string, id: string) => ({
      reportId: id,
      rolloutId: 'ro_1',
      deviceId: device,
      state: 'installed' as const,
      error: null,
      timings: null,
      at: now().toISOString(),
    });
    assert.equal(await b.store.applyReport(report('d1', 'r1')), 'applied');
    const result = { id: 'r1', rolloutId: 'ro_1', deviceId: 'd1', state: 'installed' } as const;
    await b.bus.publish('device-result', { ...result, node: 'node-b' });
    assert.equal((await a.store.getRollout('ro_1'))?.state, 'in-progress');

    // node a stops renewing (killed); past the lease, node b's next claim takes over
    clock += LEASE_MS + 1;
    await b.coordinator.tick();
    assert.equal(b.cluster.leases.token('ro_1'), 2, 'a new fencing token');
    assert.deepEqual(
      notices.map((n) => n.deviceIds),
      [['d2']],
      'the new holder tells the devices that are not final again',
    );

    // the old holder's writes are refused, both the fenced SQL write and the driver's store
    assert.equal(a.cluster.leases.token('ro_1'), undefined, 'a no longer trusts its old lease');
    const end = { state: 'completed', at: now().toISOString() } as const;
    const fence = { lease: 'rollout:ro_1', token: 1 };
    assert.equal(await a.store.completeRollout('ro_1', { ...end, fence }), false);
    const leaseLost = (e: unknown) => e instanceof PatchcastError && e.code === 'LEASE_LOST';
    await assert.rejects(a.cluster.store.completeRollout('ro_1', end), leaseLost);
    const snapshot = { snapshot: '{}', inputSeq: 0 };
    await assert.rejects(
      a.cluster.store.rolloutEngine.save('ro_1', { snapshot, decisions: [] }),
      leaseLost,
    );
    const seq = await a.cluster.store.rolloutEngine.appendInput('ro_1', '{"type":"tick","at":0}');
    assert.equal(seq, 1, 'any node journals inputs; the holder applies them in order');
    assert.equal((await a.store.getRollout('ro_1'))?.state, 'in-progress', 'nothing was written');

    // d2 reports on node a; the announcement reaches node b, which completes the rollout once
    assert.equal(await a.store.applyReport(report('d2', 'r2')), 'applied');
    const second = { ...result, id: 'r2', deviceId: 'd2', node: 'node-a' };
    await a.bus.publish('device-result', second);
    await a.bus.publish('device-result', second);
    await b.coordinator.tick();
    const done = await b.store.getRollout('ro_1');
    assert.equal(done?.state, 'completed');
    const completions = log.events.filter((e) => e.type === 'rollout-completed');
    assert.equal(completions.length, 1, 'completed and logged exactly once');
    assert.deepEqual(errors, []);
  });
  test('the holder of a planned rollout catches up with inputs other nodes journaled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-cluster-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const store = new SqliteStore(join(dir, 'patchcast.db'));
    const bus = new MemoryBus((e) => errors.push(e), { hub: new MemoryBusHub(), nodeId: 'holder' });
    cleanup.push(
      () => store.close(),
      () => bus.close(),
    );
    const cluster = new ClusterNode({ store, bus, log, now, leaseMs: LEASE_MS });
    const started: string[] = [];
    const caughtUp: string[] = [];
    const driving = new Set<string>();
    const driver: LeasedDriver = {
      start: (id) => (driving.add(id), started.push(id), Promise.resolve()),
      stop: (id) => (id === undefined ? driving.clear() : driving.delete(id), undefined),
      has: (id) => driving.has(id),
      runningIds: () => [...driving],
    };
    const rollouts = {
      driver,
      catchUp: (rolloutId: string) => (caughtUp.push(rolloutId), Promise.resolve()),
    };
    await store.createDevice(device('d9'));
    await store.createRollout(plainRollout('ro_planned', now()), ['d9']);
    await cluster.start(rollouts, (e) => errors.push(e));
    assert.deepEqual(started, ['ro_planned'], 'the first claim starts the driver');
    const result = { id: 'rep-00000001', rolloutId: 'ro_planned', deviceId: 'd9' } as const;
    await bus.publish('device-result', { ...result, state: 'installed', node: 'holder' });
    assert.deepEqual(
      caughtUp,
      ['ro_planned'],
      'a result stored on this node: it may have been journaled while the driver was starting',
    );
    await bus.publish('device-result', { ...result, state: 'installed', node: 'elsewhere' });
    assert.deepEqual(caughtUp, ['ro_planned', 'ro_planned'], 'stored elsewhere: apply the journal');
    const health = { id: 'ro_planned:d9:0', rolloutId: 'ro_planned', deviceId: 'd9', wave: 0 };
    await bus.publish('device-health', { ...health, node: 'holder' });
    await bus.publish('device-health', { ...health, node: 'elsewhere' });
    assert.deepEqual(caughtUp, Array(4).fill('ro_planned'), 'and so for control health');
    await cluster.stop();
    assert.deepEqual([...driving], [], 'stopping lets go of the rollout');
    assert.deepEqual(errors, []);
  });
  test('after a bus outage the holder notices its open devices again, once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-cluster-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const store = new SqliteStore(join(dir, 'patchcast.db'));
    const hub = new MemoryBusHub();
    const bus = new SwitchableBus((e) => errors.push(e), { hub, nodeId: 'holder' });
    const peer = new MemoryBus((e) => errors.push(e), { hub, nodeId: 'peer' });
    cleanup.push(
      () => store.close(),
      () => bus.close(),
      () => peer.close(),
    );
    const notices: BusEvents['notice'][] = [];
    peer.subscribe('notice', (e) => (notices.push(e), Promise.resolve()));
    const cluster = new ClusterNode({ store, bus, log, now, leaseMs: LEASE_MS });
    for (const id of ['o1', 'o2']) await store.createDevice(device(id));
    await cluster.store.createRollout(plainRollout('ro_outage', now()), ['o1', 'o2']);
    const installed = {
      reportId: 'rep-outage-1',
      rolloutId: 'ro_outage',
      deviceId: 'o1',
      state: 'installed' as const,
      error: null,
      timings: null,
      at: now().toISOString(),
    };
    assert.equal(await store.applyReport(installed), 'applied');
    const coordinator = new RolloutCoordinator({
      store,
      bus,
      log,
      leases: cluster.leases,
      driver: noDriver,
      now,
      leaseMs: LEASE_MS,
      onError: (e) => errors.push(e),
    });
    await coordinator.tick();
    bus.degraded = true;
    await coordinator.tick();
    assert.equal(notices.length, 0, 'nothing is sent again while the bus is healthy or down');
    bus.degraded = false;
    await coordinator.tick();
    await coordinator.tick();
    assert.deepEqual(
      notices.map((n) => [n.rolloutId, n.deviceIds]),
      [['ro_outage', ['o2']]],
      'the open device is told again once the bus is back',
    );
    assert.deepEqual(errors, []);
  });
});
