/**
 * PostgreSQL for tests. The URL comes from PATCHCAST_TEST_PG (for example
 * postgres://postgres@127.0.0.1:5432/test); when it is unset or unreachable, `pgTestDatabase`
 * says why so the caller can skip visibly. Each store gets its own freshly created schema, and
 * every schema made by a test file is dropped when that file's tests end, so parallel test files
 * never see each other's rows.
 */
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgStore } from '../../src/storage/postgres/pg-store.js';

export type PgTestDatabase =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly url: string;
      /** A new schema name, dropped after this file's tests. */
      newSchema(): string;
      /** A PgStore on `schema` (a new one when omitted). */
      openStore(schema?: string): Promise<PgStore>;
      /** The URL of a new, empty database on the same server, dropped after this file's tests. */
      newDatabase(): Promise<string>;
    };

/** Call once at the top level of a test file. */
export async function pgTestDatabase(): Promise<PgTestDatabase> {
  const url = process.env.PATCHCAST_TEST_PG;
  if (url === undefined || url === '') {
    return {
      available: false,
      reason: 'PATCHCAST_TEST_PG is unset (e.g. postgres://postgres@127.0.0.1:5432/test)',
    };
  }
  const unreachable = await probe(url);
  if (unreachable !== undefined) {
    return { available: false, reason: `PATCHCAST_TEST_PG is unreachable: ${unreachable}` };
  }
  const schemas: string[] = [];
  const databases: string[] = [];
  after(() => dropSchemas(url, schemas));
  after(() => dropDatabases(url, databases));
  const newSchema = () => {
    const name = `pc_test_${process.pid}_${randomBytes(6).toString('hex')}`;
    schemas.push(name);
    return name;
  };
  return {
    available: true,
    url,
    newSchema,
    openStore: (schema?: string) =>
      PgStore.open({ url, schema: schema ?? newSchema(), poolSize: 4 }),
    newDatabase: async () => {
      const name = `pc_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      await withClient(url, (client) => client.query(`CREATE DATABASE "${name}"`));
      databases.push(name);
      const next = new URL(url);
      next.pathname = `/${name}`;
      return next.toString();
    },
  };
}

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String((error as { code?: string }).code);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  await withClient(url, async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}

async function dropDatabases(url: string, databases: readonly string[]): Promise<void> {
  if (databases.length === 0) return;
  await withClient(url, async (client) => {
    for (const name of databases) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
}
