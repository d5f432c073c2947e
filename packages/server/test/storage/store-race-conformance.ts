/**
 * Two Store instances on one database (two server nodes) racing the changes that must happen
 * exactly once. Every adapter runs it: `storeRaceConformance(name, openPair)`, where `openPair`
 * opens two independent stores (separate connections) on one fresh database.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckpointRecord, LogEntryRecord, Store } from '../../src/storage/store.js';

const T0 = '2026-01-01T00:00:00.000Z';
const ROUNDS = 8;

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] };

function leaf(index: number, node: string): LogEntryRecord {
  const bytes = new TextEncoder().encode(`{"entry":${index},"node":"${node}"}`);
  return { index, leaf: bytes, hash: new Uint8Array(32).fill(index + 1), subject: node };
}

const cp = (size: number, node: string): CheckpointRecord => ({
  size,
  note: `checkpoint ${size} by ${node}\n`,
});

const count = <T>(values: readonly T[], value: T) => values.filter((v) => v === value).length;

export function storeRaceConformance(
  name: string,
  openPair: () => Promise<readonly [Store, Store]>,
): void {
  describe(`Store race conformance: ${name}`, () => {
    const withPair = (fn: (a: Store, b: Store) => Promise<void>) => async () => {
      const [a, b] = await openPair();
      try {
        await fn(a, b);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    };

    test(
      'initSetting: the first writer wins on both nodes',
      withPair(async (a, b) => {
        for (let round = 0; round < ROUNDS; round++) {
          const key = `k${round}`;
          const [va, vb] = await Promise.all([
            a.initSetting(key, `a${round}`),
            b.initSetting(key, `b${round}`),
          ]);
          assert.equal(va, vb, 'both nodes see the same value');
          assert.ok([`a${round}`, `b${round}`].includes(va));
          assert.equal(await a.getSetting(key), va);
          assert.equal(await b.getSetting(key), va);
        }
      }),
    );

    test(
      'consumeEnrollToken: exactly one consumer gets ok',
      withPair(async (a, b) => {
        for (let round = 0; round < ROUNDS; round++) {
          const hash = `h${round}`;
          await a.createEnrollToken({
            id: `e${round}`,
            hash,
            createdBy: 'admin',
            createdAt: T0,
            expiresAt: '2030-01-01T00:00:00.000Z',
          });
          const now = '2026-01-01T01:00:00.000Z';
          const results = await Promise.all(
            [a, b, a, b].map((store) => store.consumeEnrollToken(hash, now)),
          );
          assert.equal(count(results, 'ok'), 1, `round ${round}: ${results.join(',')}`);
          assert.equal(count(results, 'used'), 3);
        }
      }),
    );

    test(
      'applyReport: one report id is applied once; racing final states leave one winner',
      withPair(async (a, b) => {
        await a.createDevice({
          id: 'dev_a',
          name: 'a',
          publicKey: 'a'.repeat(64),
          labels: {},
          inventory,
          enrolledAt: T0,
          lastSeenAt: null,
          lastTimestampVersion: 0,
        });
        for (let round = 0; round < ROUNDS; round++) {
          const rolloutId = `ro_${round}`;
          await b.createRollout(
            {
              id: rolloutId,
              patch: { name: 'p', version: String(round) },
              targetPath: `p/${round}`,
              selector: { all: true },
              state: 'in-progress',
              createdAt: T0,
              createdBy: 'admin',
              completedAt: null,
            },
            ['dev_a'],
          );
          const report = (reportId: string, state: 'installed' | 'failed') => ({
            reportId,
            rolloutId,
            deviceId: 'dev_a',
            state,
            error: state === 'failed' ? { code: 'INSTALL_FAILED', message: 'm' } : null,
            timings: null,
            at: T0,
          });
          const same = await Promise.all(
            [a, b, a, b].map((store) => store.applyReport(report(`r${round}`, 'installed'))),
          );
          assert.equal(count(same, 'applied'), 1, `same id: ${same.join(',')}`);
          assert.equal(count(same, 'duplicate'), 3);

          const next = `ro_${round}_b`;
          await a.createRollout({ ...(await a.getRollout(rolloutId))!, id: next }, ['dev_a']);
          const rival = await Promise.all([
            a.applyReport({ ...report(`x${round}`, 'installed'), rolloutId: next }),
            b.applyReport({ ...report(`y${round}`, 'failed'), rolloutId: next }),
          ]);
          assert.deepEqual([...rival].sort(), ['applied', 'stale'], 'one final state wins');
          const [stored] = await b.assignments(next);
          const winner = rival[0] === 'applied' ? 'installed' : 'failed';
          assert.equal(stored?.state, winner);
        }
      }),
    );

    test(
      'log append: racing batches at the same size, exactly one lands and the log stays linear',
      withPair(async (a, b) => {
        for (let round = 0; round < ROUNDS; round++) {
          const size = await a.log.size();
          const batch = (node: string, n: number) =>
            Array.from({ length: n }, (_, i) => leaf(size + i, node));
          const results = await Promise.allSettled([
            a.log.append(batch('a', 2), cp(size + 2, 'a')),
            b.log.append(batch('b', 3), cp(size + 3, 'b')),
          ]);
          const won = results.map((r) => r.status === 'fulfilled');
          assert.equal(count(won, true), 1, `round ${round}: exactly one append lands`);
          const [winner, length] = won[0] ? ['a', 2] : ['b', 3];
          assert.equal(await b.log.size(), size + length);
          const entries = await a.log.entries(size, size + 3);
          assert.deepEqual(
            entries.map((e) => [e.index, e.subject]),
            Array.from({ length }, (_, i) => [size + i, winner]),
            'the losing batch wrote nothing',
          );
          assert.deepEqual(await b.log.latestCheckpoint(), cp(size + length, winner));
        }
      }),
    );

    test(
      'commitMetadata: racing compare-and-sets on one targets version, one wins',
      withPair(async (a, b) => {
        const bytes = (s: string) => new TextEncoder().encode(s);
        for (let version = 1; version <= ROUNDS; version++) {
          const commit = (store: Store, node: string) =>
            store.commitMetadata(
              [
                { role: 'targets', version, bytes: bytes(`t${version}${node}`) },
                { role: 'snapshot', version, bytes: bytes(`s${version}${node}`) },
              ],
              version - 1,
            );
          const results = await Promise.allSettled([commit(a, 'a'), commit(b, 'b')]);
          const won = results.map((r) => r.status === 'fulfilled' && r.value);
          assert.equal(count(won, true), 1, `version ${version}`);
          const node = won[0] ? 'a' : 'b';
          const targets = await b.getMetadata('targets', version);
          const snapshot = await a.getMetadata('snapshot', version);
          assert.equal(new TextDecoder().decode(targets?.bytes), `t${version}${node}`);
          assert.equal(new TextDecoder().decode(snapshot?.bytes), `s${version}${node}`);
        }
      }),
    );
  });
}
