/**
 * A fresh database on the PATCHCAST_TEST_PG server for a real `patchcast server --db` process,
 * or the reason there is none (the caller skips visibly).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function freshDatabase(): Promise<
  { url: string; drop: () => Promise<void> } | string
> {
  const base = process.env.PATCHCAST_TEST_PG;
  if (base === undefined || base === '') return 'PATCHCAST_TEST_PG is unset';
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `pc_test_e2e_${randomBytes(6).toString('hex')}`;
  try {
    await admin(`CREATE DATABASE "${name}"`);
  } catch (error) {
    return `PATCHCAST_TEST_PG is unreachable: ${(error as Error).message}`;
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
