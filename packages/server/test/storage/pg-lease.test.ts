import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import assert from 'node:assert/strict';
import type { PatchcastError } from '@patchcast/core';
import { leaseConformance, pendingLeaves, plannedRollout, save } from './lease-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

const db = await pgTestDatabase();
if (db.available) {
  const schema = db.newSchema();
  leaseConformance('postgres', () => db.openStore(schema));

  test('postgres: two nodes race a takeover against a stale write; the stale write never lands after it', async () => {
    const [a, b] = await Promise.all([db.openStore(schema), db.openStore(schema)]);
    if (a === undefined || b === undefined) throw new Error('two stores expected');
    try {
      const lease = 'rollout:ro_race';
      await plannedRollout(a, 'ro_race');
      const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      let staleLanded = 0;
      for (let round = 1; round <= 40; round++) {
        const t0 = round * 100;
        const held = await a.leases.acquire(lease, 'node-a', T(t0), T(t0 + 10));
        assert.ok(held, `round ${round}: node a takes the lease`);
        // node a, stalled past its lease, writes with its old token while node b takes over
        // and writes under the new one; a's write starts up to 4 ms late, so that it falls
        // before, into and after the takeover in different rounds
        const [stale, takeover] = await Promise.allSettled([
          delay(round % 5).then(() =>
            a.rolloutEngine.save('ro_race', save('node-a', round, lease, held.token, 2 * round)),
          ),
          (async () => {
            const taken = await b.leases.acquire(lease, 'node-b', T(t0 + 20), T(t0 + 30));
            assert.equal(taken?.token, held.token + 1);
            const fresh = save('node-b', round, lease, held.token + 1, 2 * round + 1);
            await b.rolloutEngine.save('ro_race', fresh);
          })(),
        ]);
        assert.equal(takeover.status, 'fulfilled', `round ${round}: the new holder writes`);
        if (stale.status === 'fulfilled') staleLanded++;
        else assert.equal((stale.reason as PatchcastError).code, 'LEASE_LOST');
        const last = await a.rolloutEngine.load('ro_race');
        assert.equal(
          last?.snapshot,
          JSON.stringify({ by: 'node-b', round }),
          `round ${round}: the holder's write is the last one`,
        );
      }
      // every write of node a that landed did so before the takeover, so it was superseded;
      // its refused writes left neither decisions nor log entries behind
      const decisions = await a.rolloutEngine.decisions('ro_race');
      assert.equal(decisions.filter((d) => d.event === 'node-b').length, 40);
      assert.equal(decisions.filter((d) => d.event === 'node-a').length, staleLanded);
      const leaves = await pendingLeaves(a);
      assert.equal(leaves.filter((l) => l.startsWith('node-a ')).length, staleLanded);
      assert.equal(leaves.filter((l) => l.startsWith('node-b ')).length, 40);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('postgres: racing acquirers on separate pools, one winner', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => db.openStore(schema)));
    try {
      const at = '2026-01-01T00:00:00.000Z';
      const results = await Promise.all(
        stores.map((s, i) =>
          s.leases.acquire('race-pools', `n${i}`, at, '2026-01-01T00:00:10.000Z'),
        ),
      );
      assert.equal(results.filter((r) => r !== undefined).length, 1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
} else {
  test('Lease conformance: postgres', (t) => t.skip(db.reason));
}
