/**
 * Pending log entries (ADR 0033) against the Store interface, run over every adapter by
 * pending-entries.test.ts: a logged change writes its entries in its own transaction (only when
 * the change is made), and the log writer sequences them in seq order, exactly once, even when
 * a log is opened again on a store that a stopped server left entries pending in.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogEntry } from '@patchcast/protocol';
import type { LogEventInput } from '@patchcast/protocol';
import { pendingEntries } from '../../src/features/log/log-events.js';
import type { ReportInput, Store } from '../../src/storage/store.js';
import { action, newSigner, openLog } from './log-fixture.js';

const T0 = '2026-01-01T00:00:00.000Z';

async function fleet(store: Store): Promise<void> {
  for (const id of ['dev_a', 'dev_b'])
    await store.createDevice({
      id,
      name: id,
      publicKey: id.padEnd(64, '0'),
      labels: {},
      inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
      enrolledAt: T0,
      lastSeenAt: null,
      lastTimestampVersion: 0,
    });
  await store.createRollout(
    {
      id: 'ro_1',
      patch: { name: 'kernel', version: '1' },
      targetPath: 'kernel/1/bundle.tar',
      selector: { all: true },
      state: 'in-progress',
      createdAt: T0,
      createdBy: 'test',
      completedAt: null,
    },
    ['dev_a', 'dev_b'],
  );
}

function installed(reportId: string, deviceId: string): ReportInput {
  return {
    reportId,
    rolloutId: 'ro_1',
    deviceId,
    state: 'installed',
    error: null,
    timings: null,
    at: T0,
  };
}

function result(deviceId: string): LogEventInput {
  const patch = { name: 'kernel', version: '1' };
  return {
    type: 'device-result',
    at: T0,
    rolloutId: 'ro_1',
    deviceId,
    patch,
    state: 'installed',
    error: null,
  };
}

/** The event a leaf holds, without its format field (what `pendingEntries` was given). */
function eventOf(leaf: Uint8Array): LogEventInput {
  const { format, ...event } = parseLogEntry(leaf) ?? assert.fail('an entry does not parse');
  assert.equal(format, 'patchcast-log/v1');
  return event;
}

async function loggedEvents(store: Store): Promise<LogEventInput[]> {
  const entries = await store.log.entries(0, await store.log.size());
  return entries.map((e) => eventOf(e.leaf));
}

export function pendingConformance(name: string, makeStore: () => Promise<Store>): void {
  const withStore = (body: (store: Store) => Promise<void>) => async () => {
    const store = await makeStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  describe(`pending log entries: ${name}`, () => {
    test(
      'a report writes its entries only when applied: not for a duplicate or a stale report',
      withStore(async (store) => {
        await fleet(store);
        const logged = pendingEntries([result('dev_a')]);
        assert.equal(await store.applyReport(installed('r1', 'dev_a'), logged), 'applied');
        assert.equal(await store.applyReport(installed('r1', 'dev_a'), logged), 'duplicate');
        assert.equal(await store.applyReport(installed('r2', 'dev_a'), logged), 'stale');
        const pending = await store.log.pending(10);
        assert.deepEqual(
          pending.map((p) => [p.subject, eventOf(p.leaf)]),
          [[null, result('dev_a')]],
        );
      }),
    );

    test(
      'a rollback confirmation and a metadata commit write their entries only when they change',
      withStore(async (store) => {
        await fleet(store);
        await store.applyReport(installed('r1', 'dev_a'));
        const undo = { ...installed('r3', 'dev_a'), state: 'rolled-back' as const };
        const undone = pendingEntries([action(1)]);
        assert.equal(await store.rolloutEngine.applyRollback(undo, undone), 'applied');
        assert.equal(await store.rolloutEngine.applyRollback(undo, undone), 'duplicate');
        const metadata = { role: 'targets' as const, version: 1, bytes: new Uint8Array([1]) };
        assert.equal(await store.commitMetadata([metadata], 5, pendingEntries([action(2)])), false);
        assert.equal(await store.commitMetadata([metadata], 0, pendingEntries([action(3)])), true);
        const pending = await store.log.pending(10);
        assert.deepEqual(
          pending.map((p) => eventOf(p.leaf)),
          [action(1), action(3)],
        );
      }),
    );

    test(
      'a device enrolled or changed writes its entries; a refused or missing one writes none',
      withStore(async (store) => {
        await fleet(store);
        const again = { ...(await store.getDevice('dev_a'))!, id: 'dev_c' }; // dev_a's key
        await assert.rejects(store.createDevice(again, pendingEntries([action(1)])));
        const fresh = { ...again, publicKey: 'c'.repeat(64) };
        await store.createDevice(fresh, pendingEntries([action(2)]));
        assert.equal(
          await store.updateDevice('dev_x', { name: 'x' }, () => pendingEntries([action(3)])),
          undefined,
        );
        await store.updateDevice('dev_c', { name: 'renamed' }, (before, after) =>
          pendingEntries([action(before.name === 'dev_a' && after.name === 'renamed' ? 4 : 0)]),
        );
        const pending = await store.log.pending(10);
        assert.deepEqual(
          pending.map((p) => eventOf(p.leaf)),
          [action(2), action(4)],
        );
      }),
    );

    test(
      'tokens and webhooks made or ended write their entries; an unknown one writes none',
      withStore(async (store) => {
        const token = {
          id: 'tok_1',
          name: 'ci',
          role: 'viewer' as const,
          hash: 'h',
          createdAt: T0,
        };
        await store.createApiToken(token, pendingEntries([action(1)]));
        assert.equal(
          await store.revokeApiToken('tok_x', T0, () => pendingEntries([action(9)])),
          undefined,
        );
        await store.revokeApiToken('tok_1', T0, (t) => pendingEntries([action(t.name.length)]));
        const enroll = { id: 'enr_1', hash: 'e', createdBy: 'op', createdAt: T0, expiresAt: T0 };
        await store.createEnrollToken(enroll, pendingEntries([action(3)]));
        assert.equal(
          await store.revokeEnrollToken('enr_x', T0, () => pendingEntries([action(9)])),
          undefined,
        );
        await store.revokeEnrollToken('enr_1', T0, () => pendingEntries([action(4)]));
        const hook = {
          id: 'wh_1',
          url: 'https://example.com/',
          events: ['rollout.completed' as const],
          secret: 's',
          allowPrivate: false,
          createdAt: T0,
          createdBy: 'op',
        };
        await store.webhooks.create(hook, pendingEntries([action(5)]));
        assert.equal(
          await store.webhooks.remove('wh_x', () => pendingEntries([action(9)])),
          undefined,
        );
        await store.webhooks.remove('wh_1', () => pendingEntries([action(6)]));
        const pending = await store.log.pending(10);
        const expected = [1, 2, 3, 4, 5, 6].map(action);
        assert.deepEqual(
          pending.map((p) => eventOf(p.leaf)),
          expected,
        );
      }),
    );

    test(
      'a log opened on the store sequences what is pending in seq order, once, then new entries',
      withStore(async (store) => {
        await fleet(store);
        const signer = newSigner();
        await store.applyReport(installed('r1', 'dev_b'), pendingEntries([result('dev_b')]));
        await store.applyReport(installed('r2', 'dev_a'), pendingEntries([result('dev_a')]));
        const first = await openLog(store.log, { signer });
        assert.deepEqual(await loggedEvents(store), [result('dev_b'), result('dev_a')]);
        assert.deepEqual(await store.log.pending(10), []);
        assert.equal(first.checkpoint.size, 2, 'a stored checkpoint covers them');
        await first.append(action(7));
        await first.close();
        const again = await openLog(store.log, { signer });
        await store.commitMetadata(
          [{ role: 'root', version: 1, bytes: new Uint8Array([1]) }],
          undefined,
          pendingEntries([action(8)]),
        );
        await again.sequencePending();
        await again.close();
        const events = await loggedEvents(store);
        assert.deepEqual(events, [result('dev_b'), result('dev_a'), action(7), action(8)]);
      }),
    );

    test(
      'a batch is refused, writing nothing, unless every entry it sequences is still pending',
      withStore(async (store) => {
        await fleet(store);
        await store.applyReport(installed('r1', 'dev_a'), pendingEntries([result('dev_a')]));
        const [entry] = await store.log.pending(10);
        assert.ok(entry !== undefined);
        await store.log.append([], { size: 0, note: 'first' }, [entry.seq]);
        await assert.rejects(store.log.append([], { size: 0, note: 'second' }, [entry.seq]));
        assert.equal((await store.log.latestCheckpoint())?.note, 'first', 'nothing written');
        await store.applyReport(installed('r2', 'dev_b'), pendingEntries([result('dev_b')]));
        const [next] = await store.log.pending(10);
        assert.ok(next !== undefined);
        await assert.rejects(store.log.append([], { size: 0, note: 'x' }, [next.seq, entry.seq]));
        assert.deepEqual(
          (await store.log.pending(10)).map((p) => p.seq),
          [next.seq],
          'a refused batch leaves its entries pending',
        );
      }),
    );
  });
}
