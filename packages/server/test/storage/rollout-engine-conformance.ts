/**
 * The conformance suite of `Store.rolloutEngine`: written against the RolloutEngineStore
 * interface only, run over every adapter by packages/server/test/rollouts/rollout-engine-store.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RolloutDecisionRecord } from '../../src/storage/rollout-engine-store.js';
import type { DeviceRecord, RolloutRecord, Store } from '../../src/storage/store.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';

function device(id: string): DeviceRecord {
  return {
    id,
    name: `name-${id}`,
    publicKey: id.padEnd(64, '0').slice(0, 64),
    labels: {},
    inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
    enrolledAt: T0,
    lastSeenAt: null,
    lastTimestampVersion: 0,
  };
}

function rollout(id: string): RolloutRecord {
  return {
    id,
    patch: { name: 'p', version: '1' },
    targetPath: 'p/1/bundle.tar',
    selector: { all: true },
    state: 'in-progress',
    createdAt: T0,
    createdBy: 'admin',
    completedAt: null,
  };
}

function decision(seq: number, to: string): RolloutDecisionRecord {
  return { seq, at: T0, wave: 0, from: null, to, event: 'created', detail: `d${seq}`, by: null };
}

const report = (reportId: string, deviceId: string, state: 'installed' | 'rolled-back') => ({
  reportId,
  rolloutId: 'ro_1',
  deviceId,
  state,
  error: null,
  timings: { downloadMs: 5, healthMs: 7 },
  at: T1,
});

async function fixture(makeStore: () => Promise<Store>): Promise<Store> {
  const store = await makeStore();
  for (const id of ['dev_a', 'dev_b', 'dev_c']) await store.createDevice(device(id));
  await store.rolloutEngine.create(
    rollout('ro_1'),
    ['dev_a', 'dev_b'],
    { snapshot: '{"n":1}', inputSeq: 0 },
    [decision(1, 'waiting-window')],
  );
  return store;
}

export function rolloutEngineConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`RolloutEngineStore conformance: ${name}`, () => {
    test('create writes the rollout, one pending assignment per device, snapshot, decisions', async () => {
      const store = await fixture(makeStore);
      try {
        assert.equal((await store.getRollout('ro_1'))?.state, 'in-progress');
        const assignments = await store.assignments('ro_1');
        assert.deepEqual(
          assignments.map((a) => [a.deviceId, a.state]),
          [
            ['dev_a', 'pending'],
            ['dev_b', 'pending'],
          ],
        );
        assert.deepEqual(await store.rolloutEngine.load('ro_1'), {
          snapshot: '{"n":1}',
          inputSeq: 0,
        });
        assert.deepEqual(await store.rolloutEngine.decisions('ro_1'), [
          decision(1, 'waiting-window'),
        ]);
        assert.deepEqual(await store.rolloutEngine.active(), ['ro_1']);
        assert.equal(await store.rolloutEngine.load('ro_none'), undefined);
        assert.equal(await store.rolloutEngine.planned('ro_1'), true);
        assert.equal(await store.rolloutEngine.planned('ro_none'), false);
      } finally {
        await store.close();
      }
    });

    test('create is all or nothing: an unknown device leaves no rollout behind', async () => {
      const store = await fixture(makeStore);
      try {
        await assert.rejects(
          store.rolloutEngine.create(
            rollout('ro_2'),
            ['dev_a', 'dev_missing'],
            {
              snapshot: '{}',
              inputSeq: 0,
            },
            [],
          ),
        );
        assert.equal(await store.getRollout('ro_2'), undefined);
        assert.equal(await store.rolloutEngine.load('ro_2'), undefined);
        assert.deepEqual(await store.assignments('ro_2'), []);
      } finally {
        await store.close();
      }
    });

    test('inputs are numbered from 1 per rollout and read back after a sequence number', async () => {
      const store = await fixture(makeStore);
      try {
        assert.equal(await store.rolloutEngine.appendInput('ro_1', '{"i":1}'), 1);
        assert.equal(await store.rolloutEngine.appendInput('ro_1', '{"i":2}'), 2);
        assert.equal(await store.rolloutEngine.appendInput('ro_1', '{"i":3}'), 3);
        assert.deepEqual(await store.rolloutEngine.inputsAfter('ro_1', 1), [
          { seq: 2, input: '{"i":2}' },
          { seq: 3, input: '{"i":3}' },
        ]);
        assert.deepEqual(await store.rolloutEngine.inputsAfter('ro_1', 3), []);
      } finally {
        await store.close();
      }
    });

    test('save replaces the snapshot, appends decisions once, and a finish ends the rollout', async () => {
      const store = await fixture(makeStore);
      try {
        const decisions = [decision(2, 'in-wave'), decision(3, 'baking')];
        await store.rolloutEngine.save('ro_1', {
          snapshot: { snapshot: '{"n":2}', inputSeq: 4 },
          decisions,
        });
        await store.rolloutEngine.save('ro_1', {
          snapshot: { snapshot: '{"n":3}', inputSeq: 5 },
          decisions,
        });
        assert.deepEqual(await store.rolloutEngine.load('ro_1'), {
          snapshot: '{"n":3}',
          inputSeq: 5,
        });
        assert.deepEqual(
          (await store.rolloutEngine.decisions('ro_1')).map((d) => d.seq),
          [1, 2, 3],
        );
        await store.rolloutEngine.save('ro_1', {
          snapshot: { snapshot: '{"n":4}', inputSeq: 5 },
          decisions: [],
          finish: { state: 'rolled-back', at: T1 },
        });
        const done = await store.getRollout('ro_1');
        assert.equal(done?.state, 'rolled-back');
        assert.equal(done?.completedAt, T1);
        assert.deepEqual(await store.rolloutEngine.active(), []);
      } finally {
        await store.close();
      }
    });

    test('timings come from the latest report that carried them', async () => {
      const store = await fixture(makeStore);
      try {
        assert.equal(await store.applyReport(report('r-1', 'dev_a', 'installed')), 'applied');
        const timings = await store.rolloutEngine.timings('ro_1');
        assert.deepEqual(timings.get('dev_a'), { downloadMs: 5, healthMs: 7 });
        assert.equal(timings.get('dev_b'), undefined);
      } finally {
        await store.close();
      }
    });

    test('fleet lists every device with its labels, without inventories', async () => {
      const store = await fixture(makeStore);
      try {
        const fleet = await store.rolloutEngine.fleet();
        assert.deepEqual(fleet, [
          { id: 'dev_a', name: 'name-dev_a', labels: {} },
          { id: 'dev_b', name: 'name-dev_b', labels: {} },
          { id: 'dev_c', name: 'name-dev_c', labels: {} },
        ]);
      } finally {
        await store.close();
      }
    });

    test('assignment counts: open, and final but not installed', async () => {
      const store = await fixture(makeStore);
      try {
        assert.deepEqual(await store.rolloutEngine.assignmentCounts('ro_1'), {
          open: 2,
          unsuccessful: 0,
        });
        await store.applyReport(report('r-1', 'dev_a', 'installed'));
        assert.deepEqual(await store.rolloutEngine.assignmentCounts('ro_1'), {
          open: 1,
          unsuccessful: 0,
        });
        await store.applyReport(report('r-2', 'dev_b', 'rolled-back'));
        assert.deepEqual(await store.rolloutEngine.assignmentCounts('ro_1'), {
          open: 0,
          unsuccessful: 1,
        });
        assert.deepEqual(await store.rolloutEngine.assignmentCounts('ro_none'), {
          open: 0,
          unsuccessful: 0,
        });
      } finally {
        await store.close();
      }
    });

    test('applyRollback moves an installed assignment to rolled-back once, with its report', async () => {
      const store = await fixture(makeStore);
      try {
        await store.applyReport(report('r-1', 'dev_a', 'installed'));
        const undo = report('r-2', 'dev_a', 'rolled-back');
        assert.equal(await store.rolloutEngine.applyRollback(undo), 'applied');
        assert.equal(await store.rolloutEngine.applyRollback(undo), 'duplicate');
        const a = (await store.assignments('ro_1')).find((x) => x.deviceId === 'dev_a');
        assert.equal(a?.state, 'rolled-back', 'installed, then undone by the rollout');
        assert.equal(await store.applyReport(undo), 'duplicate', 'the report id is taken');
        assert.deepEqual(await store.rolloutEngine.assignmentCounts('ro_1'), {
          open: 1,
          unsuccessful: 1,
        });
      } finally {
        await store.close();
      }
    });

    test('applyRollback of an assignment that is not installed stores nothing (stale)', async () => {
      const store = await fixture(makeStore);
      try {
        const selfUndone = report('r-3', 'dev_b', 'rolled-back');
        assert.equal(await store.rolloutEngine.applyRollback(selfUndone), 'stale');
        const b = (await store.assignments('ro_1')).find((x) => x.deviceId === 'dev_b');
        assert.equal(b?.state, 'pending');
        // The same report is then a final install result (health check failed, agent undid it).
        assert.equal(await store.applyReport(selfUndone), 'applied');
        const after = (await store.assignments('ro_1')).find((x) => x.deviceId === 'dev_b');
        assert.equal(after?.state, 'rolled-back');
        const unknown = { ...report('r-4', 'dev_c', 'rolled-back') };
        assert.equal(await store.rolloutEngine.applyRollback(unknown), 'stale');
      } finally {
        await store.close();
      }
    });

    test('reopen brings a completed or aborted planned rollout back to in-progress, only then', async () => {
      const store = await fixture(makeStore);
      try {
        const snapshot = { snapshot: '{"n":2}', inputSeq: 0 };
        assert.equal(await store.rolloutEngine.reopen('ro_1'), false, 'in-progress already');
        for (const state of ['completed', 'completed-with-failures', 'aborted'] as const) {
          await store.rolloutEngine.save('ro_1', {
            snapshot,
            decisions: [],
            finish: { state, at: T1 },
          });
          assert.deepEqual(await store.rolloutEngine.active(), []);
          assert.equal(await store.rolloutEngine.reopen('ro_1'), true, state);
          const reopened = await store.getRollout('ro_1');
          assert.equal(reopened?.state, 'in-progress');
          assert.equal(reopened?.completedAt, null);
          assert.deepEqual(await store.rolloutEngine.active(), ['ro_1']);
        }
        await store.rolloutEngine.save('ro_1', {
          snapshot,
          decisions: [],
          finish: { state: 'rolled-back', at: T1 },
        });
        assert.equal(await store.rolloutEngine.reopen('ro_1'), false, 'rolled-back is final');
        assert.equal((await store.getRollout('ro_1'))?.state, 'rolled-back');
        await store.createRollout({ ...rollout('ro_plain'), state: 'completed' }, ['dev_a']);
        assert.equal(await store.rolloutEngine.reopen('ro_plain'), false, 'no plan, no reopen');
        assert.equal(await store.rolloutEngine.reopen('ro_missing'), false);
      } finally {
        await store.close();
      }
    });
  });
}
