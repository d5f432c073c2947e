/**
 * The derived per-device status and the rollout's outlook (device-status.ts), on real engine
 * states: the core engine is driven through its inputs, never hand-built.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutEngine, plainPlan } from '@patchcast/core';
import type { EngineState, RolloutPlan } from '@patchcast/core';
import { parsePlan } from '@patchcast/protocol';
import type { DeviceState, RolloutState } from '@patchcast/protocol';
import { deriveStatus, windowOf } from '../../src/features/rollouts/device-status.js';
import type { StatusFacts } from '../../src/features/rollouts/device-status.js';

/** Monday 5 January 2026, 12:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const IDS = ['dev_a', 'dev_b', 'dev_c', 'dev_d'];

function plan(
  extra = '',
  waves = '  - { name: first, count: 1, bake: 1s }\n  - { name: rest, rest: true, bake: 1s, approval: true }\n',
): RolloutPlan {
  return parsePlan(`version: 1\ntarget: { all: true }\nwaves:\n${waves}${extra}`, 'plan.yaml');
}

function engineOf(p: RolloutPlan, now = T0): RolloutEngine {
  const devices = IDS.map((id) => ({ id, labels: {} }));
  return RolloutEngine.create({ rolloutId: 'ro_test', plan: p, devices, now }).engine;
}

interface Case {
  rolloutState?: RolloutState;
  stored?: Record<string, DeviceState>;
  offline?: string[];
  /** Offline, but only for moments. */
  reconnecting?: string[];
  engine?: Readonly<EngineState> | undefined;
  now?: number;
}

function derive(c: Case) {
  const facts: StatusFacts = {
    rolloutId: 'ro_test',
    rolloutState: c.rolloutState ?? 'in-progress',
    devices: IDS.map((id) => ({ id, name: id, state: c.stored?.[id] ?? 'pending' })),
    online: (id) => !(c.offline ?? []).includes(id),
    reconnecting: (id) => (c.reconnecting ?? []).includes(id),
    engine: c.engine,
    now: c.now ?? T0,
  };
  const view = deriveStatus(facts);
  const status = (id: string) => view.devices.get(id)?.status;
  return { view, status, outlook: view.outlook };
}

/** The first wave's device (hash order), and the others. */
function waves(engine: RolloutEngine): { first: string; rest: string[] } {
  const state = engine.peek();
  return { first: state.waves[0]?.devices[0] ?? '', rest: [...(state.waves[1]?.devices ?? [])] };
}

describe('a plain rollout on its one-wave engine (ADR 0015)', () => {
  const plain = () =>
    RolloutEngine.create({
      rolloutId: 'ro_test',
      plan: plainPlan(IDS),
      devices: IDS.map((id) => ({ id, labels: {} })),
      now: T0,
      plain: true,
    }).engine.snapshot();

  test('once only offline devices are left it waits for them, like a rollout without an engine', () => {
    const stored = { dev_a: 'installed', dev_b: 'installed', dev_c: 'failed' } as const;
    const { status, outlook } = derive({ stored, offline: ['dev_d'], engine: plain() });
    assert.equal(status('dev_d'), 'offline');
    assert.equal(outlook.state, 'waiting');
    assert.equal(outlook.waitingFor, 'devices');
    assert.deepEqual(outlook.offline, ['dev_d']);
    const busy = derive({ stored: { ...stored, dev_d: 'installing' }, engine: plain() });
    assert.equal(busy.outlook.state, 'running');
  });
});

describe('a plain rollout (no engine)', () => {
  test('stored states map to statuses; an offline device without a result is offline', () => {
    const { status, outlook } = derive({
      stored: { dev_a: 'installed', dev_b: 'downloading', dev_c: 'notified', dev_d: 'pending' },
      offline: ['dev_d'],
    });
    assert.deepEqual(IDS.map(status), ['installed', 'installing', 'pending', 'offline']);
    assert.equal(outlook.state, 'running', 'dev_b and dev_c can still report');
  });

  test('only offline devices are left: waiting for devices, naming them', () => {
    const { status, outlook } = derive({
      stored: { dev_a: 'installed', dev_b: 'failed', dev_c: 'notified', dev_d: 'pending' },
      offline: ['dev_c', 'dev_d', 'dev_a'],
    });
    assert.deepEqual(IDS.map(status), ['installed', 'failed', 'offline', 'offline']);
    assert.equal(outlook.state, 'waiting');
    assert.equal(outlook.waitingFor, 'devices');
    assert.deepEqual(
      outlook.offline,
      ['dev_c', 'dev_d'],
      'a finished offline device is not waited for',
    );
    assert.match(outlook.message, /2 offline device\(s\) to come back: dev_c, dev_d/);
  });

  test('a device disconnected only moments ago may come back by itself: still running', () => {
    const stored = { dev_a: 'installed', dev_b: 'installed', dev_c: 'installed' } as const;
    const blip = derive({ stored, offline: ['dev_d'], reconnecting: ['dev_d'] });
    assert.equal(blip.status('dev_d'), 'offline');
    assert.match(blip.view.devices.get('dev_d')?.statusDetail ?? '', /may reconnect by itself/);
    assert.equal(blip.outlook.state, 'running');
    const gone = derive({ stored, offline: ['dev_d'] });
    assert.equal(gone.outlook.waitingFor, 'devices');
  });

  test('a device deferred by its own window is waited for as a window, not as running', () => {
    const { status, view, outlook } = derive({
      stored: { dev_a: 'installed', dev_b: 'installed', dev_c: 'installed', dev_d: 'deferred' },
    });
    assert.equal(status('dev_d'), 'deferred');
    assert.equal(view.devices.get('dev_d')?.windowOpensAt, null, 'the server does not know it');
    assert.equal(outlook.waitingFor, 'window');
  });

  test('ended: every device final; the outlook says ended with the counts', () => {
    const { outlook } = derive({
      rolloutState: 'completed-with-failures',
      stored: { dev_a: 'installed', dev_b: 'installed', dev_c: 'failed', dev_d: 'rolled-back' },
    });
    assert.equal(outlook.state, 'ended');
    assert.equal(outlook.message, 'completed-with-failures: 2 installed, 1 failed, 1 rolled-back');
  });
});

describe('a planned rollout', () => {
  test('at an approval gate: later waves are not-notified, the outlook waits for an operator', () => {
    const engine = engineOf(plan());
    const { first, rest } = waves(engine);
    engine.handle({ type: 'device-result', at: T0 + 1000, deviceId: first, ok: true });
    engine.handle({ type: 'tick', at: T0 + 3 * 3600_000 }); // bake and control deadline passed
    assert.equal(engine.state.name, 'pending-approval');
    const { status, view, outlook } = derive({
      engine: engine.peek(),
      stored: { [first]: 'installed' },
      offline: [rest[0] ?? ''],
    });
    assert.equal(status(first), 'installed');
    for (const id of rest) assert.equal(status(id), 'not-notified', 'offline or not');
    assert.match(
      view.devices.get(rest[1] ?? '')?.statusDetail ?? '',
      /wave 2 \(rest\) awaits approval/,
    );
    assert.equal(view.devices.get(rest[0] ?? '')?.online, false);
    assert.equal(outlook.waitingFor, 'operator');
    assert.equal(outlook.approvalWave, 2);
    assert.match(outlook.message, /patchcast rollout approve ro_test/);
  });

  test('outside its window: the current wave is deferred with the opening time; the rest not-notified', () => {
    // Every day at 22:00 UTC for 2 hours; T0 is 12:00.
    const engine = engineOf(
      plan("maintenanceWindows:\n  - { cron: '0 22 * * *', timezone: UTC, duration: 2h }\n"),
    );
    const { first, rest } = waves(engine);
    assert.equal(engine.state.name, 'waiting-window');
    const { status, view, outlook } = derive({ engine: engine.peek(), offline: [first] });
    const opens = new Date(Date.UTC(2026, 0, 5, 22, 0, 0)).toISOString();
    assert.equal(status(first), 'deferred', 'the window comes first, even for an offline device');
    assert.equal(view.devices.get(first)?.windowOpensAt, opens);
    for (const id of rest) assert.equal(status(id), 'not-notified');
    assert.equal(outlook.state, 'waiting');
    assert.equal(outlook.waitingFor, 'window');
    assert.deepEqual(outlook.window, { open: false, opensAt: opens, closesAt: null });
    assert.ok(outlook.message.includes(opens));
  });

  test('the window opened but the engine has not ticked yet: running, not waiting', () => {
    const engine = engineOf(
      plan("maintenanceWindows:\n  - { cron: '0 22 * * *', timezone: UTC, duration: 2h }\n"),
    );
    const { outlook } = derive({ engine: engine.peek(), now: Date.UTC(2026, 0, 5, 22, 30) });
    assert.equal(outlook.state, 'running');
    assert.deepEqual(outlook.window, {
      open: true,
      opensAt: null,
      closesAt: new Date(Date.UTC(2026, 0, 6, 0, 0)).toISOString(),
    });
  });

  test('an expedited rollout that ignores windows has no window in its outlook', () => {
    const p = plan(
      "maintenanceWindows:\n  - { cron: '0 22 * * *', timezone: UTC, duration: 2h }\nexpedite:\n  ignoreMaintenanceWindows: true\n  waves:\n    - { name: all, percent: 100, bake: 1s }\n",
    );
    const devices = IDS.map((id) => ({ id, labels: {} }));
    const { engine } = RolloutEngine.create({
      rolloutId: 'ro_test',
      plan: p,
      devices,
      now: T0,
      expedite: true,
    });
    assert.equal(windowOf(engine.peek(), T0), null);
    assert.equal(derive({ engine: engine.peek() }).outlook.state, 'running');
  });

  test('in a wave whose only unfinished device is offline: waiting for it, with the wave timeout', () => {
    const engine = engineOf(plan('', '  - { name: all, percent: 100, bake: 1s }\n'));
    const [a, b, c, d] = engine.peek().waves[0]?.devices ?? [];
    for (const id of [a, b, c])
      engine.handle({ type: 'device-result', at: T0 + 1, deviceId: id ?? '', ok: true });
    assert.equal(engine.state.name, 'in-wave', 'below the 95% success threshold');
    const stored = {
      [a ?? '']: 'installed',
      [b ?? '']: 'installed',
      [c ?? '']: 'installed',
    } as Record<string, DeviceState>;
    const waiting = derive({ engine: engine.peek(), stored, offline: [d ?? ''] });
    assert.equal(waiting.status(d ?? ''), 'offline');
    assert.equal(waiting.outlook.waitingFor, 'devices');
    assert.deepEqual(waiting.outlook.offline, [d]);
    assert.match(waiting.outlook.message, /the wave times out at 2026-01-06T12:00:00.000Z/);
    const blip = derive({
      engine: engine.peek(),
      stored,
      offline: [d ?? ''],
      reconnecting: [d ?? ''],
    });
    assert.equal(blip.outlook.state, 'running', 'a device reconnecting may still report');
    const online = derive({ engine: engine.peek(), stored: { ...stored, [d ?? '']: 'notified' } });
    assert.equal(online.status(d ?? ''), 'pending');
    assert.equal(online.outlook.state, 'running');
  });

  test('paused: waits for an operator; undispatched devices say the rollout is paused', () => {
    const engine = engineOf(plan());
    engine.handle({ type: 'pause', at: T0 + 1, by: 'op' });
    const { first, rest } = waves(engine);
    const { status, view, outlook } = derive({
      engine: engine.peek(),
      stored: { [first]: 'notified' },
    });
    assert.equal(status(first), 'pending', 'sent before the pause: it may still report');
    assert.match(view.devices.get(rest[0] ?? '')?.statusDetail ?? '', /paused \(operator\)/);
    assert.equal(outlook.waitingFor, 'operator');
  });

  test('aborted: never-sent devices are not-notified, sent ones without a result cancelled', () => {
    const engine = engineOf(plan());
    const { first, rest } = waves(engine);
    engine.handle({ type: 'abort', at: T0 + 1, by: 'op' });
    const { status, view } = derive({
      rolloutState: 'aborted',
      engine: engine.peek(),
      stored: { [first]: 'downloading' },
    });
    assert.equal(status(first), 'cancelled');
    assert.match(
      view.devices.get(first)?.statusDetail ?? '',
      /ended \(aborted\) without its result \(it was downloading\)/,
    );
    for (const id of rest) assert.equal(status(id), 'not-notified');
  });

  test('rolling back: confirmed devices are rolled-back; waiting only on offline ones is waiting for devices', () => {
    const engine = engineOf(plan('', '  - { name: all, percent: 100, bake: 1s }\n'));
    for (const id of IDS)
      engine.handle({ type: 'device-result', at: T0 + 1, deviceId: id, ok: true });
    engine.handle({ type: 'rollback', at: T0 + 2, by: 'op' });
    assert.equal(engine.state.name, 'rolling-back');
    engine.handle({ type: 'device-rolled-back', at: T0 + 3, deviceId: 'dev_a' });
    const stored = Object.fromEntries(IDS.map((id) => [id, 'installed'])) as Record<
      string,
      DeviceState
    >;
    const some = derive({ engine: engine.peek(), stored, offline: ['dev_b'] });
    assert.equal(some.status('dev_a'), 'rolled-back');
    assert.equal(some.status('dev_b'), 'installed');
    assert.match(some.view.devices.get('dev_b')?.statusDetail ?? '', /told to roll back/);
    assert.equal(some.outlook.state, 'running', 'dev_c and dev_d are connected');
    const only = derive({ engine: engine.peek(), stored, offline: ['dev_b', 'dev_c', 'dev_d'] });
    assert.equal(only.outlook.waitingFor, 'devices');
    assert.deepEqual(only.outlook.offline, ['dev_b', 'dev_c', 'dev_d']);
  });
});
