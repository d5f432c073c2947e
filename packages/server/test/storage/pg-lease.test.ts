import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaseConformance } from './lease-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

const db = await pgTestDatabase();
if (db.available) {
  const schema = db.newSchema();
  leaseConformance('postgres', () => db.openStore(schema));

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
