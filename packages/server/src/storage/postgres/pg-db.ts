/**
 * The small query surface every PostgreSQL sub-store uses: a pool, typed queries, and
 * transactions on one pooled connection. Integers of type bigint come back as numbers (they hold
 * lengths and log indexes, far below 2^53).
 */
import pg from 'pg';

/** What a sub-store needs to run SQL, outside or inside a transaction. */
export interface PgQueries {
  rows<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  one<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it touched. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

const INT8_OID = 20;

function getTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text') as (
    value: string,
  ) => unknown;
}

/** Type parsers for this adapter's pools (not the process-wide defaults of node-postgres). */
export const PG_TYPES = { getTypeParser } as pg.CustomTypesConfig;

class Queries implements PgQueries {
  readonly #target: pg.Pool | pg.PoolClient;

  constructor(target: pg.Pool | pg.PoolClient) {
    this.#target = target;
  }

  async rows<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.#target.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async one<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.#target.query(sql, params as unknown[]);
    return result.rowCount ?? 0;
  }
}

/** A pool with typed queries and `transaction`, shared by the PgStore and its sub-stores. */
export class PgDb extends Queries {
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    super(pool);
    this.pool = pool;
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED) on one connection: committed when it
   * resolves, rolled back when it throws. Cross-node exclusion inside comes from row locks
   * (SELECT ... FOR UPDATE) or `lock()`.
   */
  async transaction<T>(work: (tx: PgTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PgTx(client));
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      const broken = await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      client.release(broken instanceof Error ? broken : undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A transaction in progress. */
export class PgTx extends Queries {
  /**
   * Takes a transaction-scoped advisory lock named `name` in the current schema: every node
   * that asks for the same name waits until this transaction ends.
   */
  async lock(name: string): Promise<void> {
    await this.run(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || $1))`, [name]);
  }
}
