/**
 * The query port (storage/sql/sql-db.ts) on PostgreSQL: a pool, typed queries, and
 * transactions on one pooled connection. Integers of type bigint come back as numbers (they hold
 * lengths and log indexes, far below 2^53).
 */
import pg from 'pg';
import { PatchcastError } from '@patchcast/core';
import { POSTGRES_DIALECT } from '../sql/sql-db.js';
import type { SqlDb, SqlQueries, SqlTx } from '../sql/sql-db.js';

/** What a sub-store needs to run SQL, outside or inside a transaction. */
export type PgQueries = SqlQueries;

const INT8_OID = 20;

function getTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text') as (
    value: string,
  ) => unknown;
}

/** Type parsers for this adapter's pools (not the process-wide defaults of node-postgres). */
export const PG_TYPES = { getTypeParser } as pg.CustomTypesConfig;

/** Connection-level failures: the server went away, refused us, or is shutting down (SQLSTATE 08, 57P0x). */
const LOST = /^(08|57P0)|^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND|AI_AGAIN)$/;
const LOST_MESSAGE =
  /Connection terminated|connection error|timeout exceeded when trying to connect/i;

/**
 * A lost database becomes DB_UNAVAILABLE (reported to `onLost` as well, so the operator sees it);
 * every other error (constraint violations, refused batches) passes unchanged.
 */
export function classifyPgError(error: unknown, onLost?: (error: Error) => void): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const lost =
    (typeof code === 'string' && LOST.test(code)) ||
    (typeof message === 'string' && LOST_MESSAGE.test(message));
  if (!lost || error instanceof PatchcastError) return error;
  const reason = typeof message === 'string' && message !== '' ? message : String(code);
  onLost?.(error instanceof Error ? error : new Error(reason));
  return new PatchcastError('DB_UNAVAILABLE', `the database is unavailable: ${reason}`, {
    hint: 'check that PostgreSQL is running and reachable; the request can be retried',
    cause: error,
  });
}

class Queries implements SqlQueries {
  readonly dialect = POSTGRES_DIALECT;
  readonly #target: pg.Pool | pg.PoolClient;
  protected readonly onLost: ((error: Error) => void) | undefined;

  constructor(target: pg.Pool | pg.PoolClient, onLost?: (error: Error) => void) {
    this.#target = target;
    this.onLost = onLost;
  }

  async #query(sql: string, params: readonly unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.#target.query(sql, params as unknown[]);
    } catch (error) {
      throw classifyPgError(error, this.onLost);
    }
  }

  async rows<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.#query(sql, params)).rows as T[];
  }

  async one<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.#query(sql, params)).rowCount ?? 0;
  }
}

/** A pool with typed queries and `transaction`, shared by the PgStore and its sub-stores. */
export class PgDb extends Queries implements SqlDb {
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool, onLost?: (error: Error) => void) {
    super(pool, onLost);
    this.pool = pool;
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED) on one connection: committed when it
   * resolves, rolled back when it throws. Cross-node exclusion inside comes from row locks
   * (SELECT ... FOR UPDATE) or `lock()`.
   */
  async transaction<T>(work: (tx: PgTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw classifyPgError(error, this.onLost);
    });
    try {
      await client.query('BEGIN');
      const result = await work(new PgTx(client, this.onLost));
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      const broken = await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      client.release(broken instanceof Error ? broken : undefined);
      throw classifyPgError(error, this.onLost);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A transaction in progress. */
export class PgTx extends Queries implements SqlTx {
  /**
   * Takes a transaction-scoped advisory lock named `name` in the current schema: every node
   * that asks for the same name waits until this transaction ends.
   */
  async lock(name: string): Promise<void> {
    await this.run(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || $1))`, [name]);
  }
}
