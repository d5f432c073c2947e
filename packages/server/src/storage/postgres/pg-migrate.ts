/**
 * Brings a schema up to PG_MIGRATIONS in one transaction under an advisory lock, so that several
 * nodes starting at once migrate exactly once: the first takes the lock and migrates, the others
 * wait for it and then find nothing left to do.
 */
import { PatchcastError } from '@patchcast/core';
import type { PgDb, PgTx } from './pg-db.js';
import { PG_MIGRATIONS } from '../sql/migrations.js';

/** Creates `schema` if needed and applies every pending migration; returns how many ran. */
export async function migrate(db: PgDb, schema: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock(hashtext($1))', [`patchcast:migrate:${schema}`]);
    const exists = await tx.one('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // Only when missing: CREATE SCHEMA checks the database's CREATE privilege even with IF NOT
    // EXISTS, and a role that owns just its schema need not hold it.
    if (exists === undefined) await tx.run(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await tx.run(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    await tx.run(
      `CREATE TABLE IF NOT EXISTS patchcast_migrations (
         version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const applied = await appliedVersion(tx);
    if (applied > PG_MIGRATIONS.length) {
      throw new PatchcastError(
        'CONFIG_INVALID',
        `the database schema is at version ${applied}, newer than this server knows (${PG_MIGRATIONS.length})`,
        { hint: 'run the newer Patchcast server version that migrated this database' },
      );
    }
    for (let version = applied + 1; version <= PG_MIGRATIONS.length; version++) {
      await tx.run(PG_MIGRATIONS[version - 1] ?? '');
      await tx.run('INSERT INTO patchcast_migrations (version) VALUES ($1)', [version]);
    }
    return PG_MIGRATIONS.length - applied;
  });
}

async function appliedVersion(tx: PgTx): Promise<number> {
  const row = await tx.one<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM patchcast_migrations',
  );
  return row?.v ?? 0;
}

/** Schema names are restricted to plain identifiers, so quoting is only belt and braces. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new PatchcastError(
      'CONFIG_INVALID',
      `"${name}" is not a valid schema name (lowercase letters, digits, _)`,
    );
  }
  return `"${name}"`;
}
