/**
 * The scale-out adapter: PostgreSQL through a node-postgres pool. Several server nodes share one
 * database; every multi-row change is one transaction, and the changes that must happen once
 * across nodes (enrollment, reports, metadata CAS, log appends, first settings) are serialised by
 * row locks, unique keys or advisory locks (ADR 0013).
 * The tables are served by the store written once (sql/sql-store.ts) on this pool.
 */
import pg from 'pg';
import { PatchcastError } from '@patchcast/core';
import { SqlStore } from '../sql/sql-store.js';
import { PG_TYPES, PgDb } from './pg-db.js';
import { migrate, quoteIdent } from './pg-migrate.js';
import { checkPostgresUrl, dbUnavailable } from './pg-url.js';

export interface PgStoreOptions {
  /** postgres://USER:PASSWORD@HOST:PORT/DATABASE */
  readonly url: string;
  /** The schema holding Patchcast's tables, created if missing (default: public). */
  readonly schema?: string;
  /** Connections per node (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** A lost database: errors of idle pooled connections and of queries (DB_UNAVAILABLE). */
  readonly onError?: (error: Error) => void;
}

export const DEFAULT_PG_POOL_SIZE = 10;

export class PgStore extends SqlStore {
  private constructor(db: PgDb) {
    super(db);
  }

  /** Connects, migrates under an advisory lock, and returns the store; DB_UNAVAILABLE if it cannot. */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    checkPostgresUrl(options.url);
    const schema = options.schema ?? 'public';
    quoteIdent(schema);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_PG_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'patchcast',
      options: `-c search_path=${schema}`,
      types: PG_TYPES,
    });
    pool.on('error', (error) => options.onError?.(error));
    try {
      await migrate(new PgDb(pool), schema);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof PatchcastError && error.code !== 'DB_UNAVAILABLE') throw error;
      throw dbUnavailable(options.url, error instanceof PatchcastError ? error.cause : error);
    }
    return new PgStore(new PgDb(pool, options.onError));
  }
}
