/**
 * The conformance suite of `Store.importHistory` and `Store.presence` (the console's imports
 * list and agent presence across nodes): run over every adapter by console-store.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImportRecord } from '@patchcast/protocol';
import type { Store } from '../../src/storage/store.js';

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

function imported(id: string, minute: number): ImportRecord {
  return {
    id,
    committedAt: at(minute),
    committedBy: 'alice',
    sources: ['debian-osv.zip'],
    advisories: { staged: 3, added: 2, updated: 1, unchanged: 0, total: 10 },
    data: ['kev'],
    devicesRecomputed: 4,
  };
}

export function consoleFeedsConformance(name: string, makeStore: () => Promise<Store>): void {
  const withStore = (body: (store: Store) => Promise<void>) => async () => {
    const store = await makeStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  describe(`import history and presence conformance: ${name}`, () => {
    test(
      'imports: newest first, at most the limit, the first record of an id kept',
      withStore(async ({ importHistory: history }) => {
        assert.deepEqual(await history.recent(5), []);
        await history.record(imported('imp_a', 1));
        await history.record(imported('imp_c', 3));
        await history.record(imported('imp_b', 2));
        await history.record({ ...imported('imp_a', 9), committedBy: 'mallory' });
        assert.deepEqual(await history.recent(5), [
          imported('imp_c', 3),
          imported('imp_b', 2),
          imported('imp_a', 1),
        ]);
        assert.deepEqual(
          (await history.recent(1)).map((r) => r.id),
          ['imp_c'],
        );
      }),
    );

    test(
      "presence: another node's agents count while its heartbeat is fresh; the asker's own do not",
      withStore(async ({ presence }) => {
        await presence.heartbeat('node-a', at(10));
        await presence.heartbeat('node-b', at(10));
        await presence.connected('dev_1', 'node-a', at(1));
        await presence.connected('dev_2', 'node-a', at(2));
        await presence.connected('dev_3', 'node-b', at(3));
        const ids = ['dev_1', 'dev_2', 'dev_3', 'dev_x'];
        assert.deepEqual(await presence.onlineOf(ids, at(9), 'node-b'), ['dev_1', 'dev_2']);
        assert.equal(await presence.onlineCount(at(9), 'node-b'), 2);
        assert.deepEqual(await presence.onlineOf(ids, at(9), 'node-c'), [
          'dev_1',
          'dev_2',
          'dev_3',
        ]);
        assert.deepEqual(await presence.onlineOf(ids, at(10), 'node-c'), [], 'stale heartbeats');
        assert.deepEqual(await presence.onlineOf([], at(9), 'node-c'), []);
      }),
    );

    test(
      'presence: a move to another node wins over an older connection and its disconnect',
      withStore(async ({ presence }) => {
        await presence.heartbeat('node-a', at(10));
        await presence.heartbeat('node-b', at(10));
        await presence.connected('dev_1', 'node-b', at(5));
        await presence.connected('dev_1', 'node-a', at(4));
        await presence.disconnected('dev_1', 'node-a');
        assert.deepEqual(await presence.onlineOf(['dev_1'], at(9), 'node-c'), ['dev_1']);
        await presence.disconnected('dev_1', 'node-b');
        assert.deepEqual(await presence.onlineOf(['dev_1'], at(9), 'node-c'), []);
        await presence.connected('dev_2', 'node-a', at(6));
        await presence.clearNode('node-a');
        assert.equal(await presence.onlineCount(at(9), 'node-c'), 0, 'a restarted node forgets');
      }),
    );

    test(
      'presence: more devices than one query takes',
      withStore(async ({ presence }) => {
        await presence.heartbeat('node-a', at(10));
        const ids = Array.from({ length: 1200 }, (_, i) => `dev_${String(i).padStart(4, '0')}`);
        for (const id of ids.filter((_, i) => i % 3 === 0))
          await presence.connected(id, 'node-a', at(1));
        const online = await presence.onlineOf(ids, at(9), 'node-c');
        assert.equal(online.length, 400);
        assert.deepEqual(
          online,
          ids.filter((_, i) => i % 3 === 0),
        );
      }),
    );
  });
}
