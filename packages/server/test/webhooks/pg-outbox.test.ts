/**
 * The outbox on PostgreSQL: the conformance suite, and several nodes (separate pools) claiming
 * the same outbox at once: every row goes to exactly one of them (FOR UPDATE SKIP LOCKED and the
 * lease). Skipped, visibly, without PATCHCAST_TEST_PG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pgTestDatabase } from '../storage/pg-test-db.js';
import { webhookEvent } from '../../src/features/webhooks/webhook-events.js';
import { T, hook, outboxConformance } from './outbox-conformance.js';

const db = await pgTestDatabase();
if (db.available) {
  outboxConformance('postgres', () => db.openStore());

  test('postgres: nodes racing for one outbox each get disjoint rows, all rows claimed', async () => {
    const own = db.newSchema();
    const stores = await Promise.all([1, 2, 3].map(() => db.openStore(own)));
    try {
      await stores[0]?.webhooks.create(hook('race', ['log.checkpoint']));
      const events = Array.from({ length: 60 }, (_, i) =>
        webhookEvent('log.checkpoint', `race-${i}`, T(1), { size: i }),
      );
      assert.equal(await stores[0]?.webhooks.enqueue(events), 60);
      const claimed: string[][] = stores.map(() => []);
      for (let round = 0; round < 10; round++) {
        const batches = await Promise.all(
          stores.map((s, i) => s.webhooks.claim(`n${i}`, T(2), T(60), 7)),
        );
        batches.forEach((b, i) => claimed[i]?.push(...b.map((c) => c.eventId)));
      }
      const all = claimed.flat();
      assert.equal(all.length, 60, 'every row claimed');
      assert.equal(new Set(all).size, 60, 'no row claimed twice');
      assert.ok(claimed.filter((c) => c.length > 0).length >= 2, 'the work was shared');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
} else {
  test('postgres webhook outbox', { skip: db.reason }, () => {});
}
