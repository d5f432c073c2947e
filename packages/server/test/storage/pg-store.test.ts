import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { storeConformance } from '../store-conformance.js';
import { PG_MIGRATIONS } from '../../src/storage/sql/migrations.js';
import { PgStore } from '../../src/storage/postgres/pg-store.js';
import { pgTestDatabase } from './pg-test-db.js';

test('postgres: a hostile schema name is refused before any connection', async () => {
  for (const schema of ['x"; DROP SCHEMA public CASCADE; --', 'Public', '', 'a'.repeat(64)]) {
    await assert.rejects(
      PgStore.open({ url: 'postgres://nobody@127.0.0.1:1/none', schema }),
      (error: Error & { code?: string }) => error.code === 'CONFIG_INVALID',
      schema,
    );
  }
});

const db = await pgTestDatabase();
if (db.available) {
  storeConformance('postgres', () => db.openStore());

  test('postgres: nodes starting at once on a new schema migrate it exactly once', async () => {
    const schema = db.newSchema();
    const stores = await Promise.all([1, 2, 3, 4].map(() => db.openStore(schema)));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM "${schema}".patchcast_migrations ORDER BY version`,
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        PG_MIGRATIONS.map((_, i) => i + 1),
      );
    } finally {
      await client.end();
    }
  });
} else {
  test('Store conformance: postgres', (t) => t.skip(db.reason));
}
