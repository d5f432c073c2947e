/**
 * The scale-out adapter: PostgreSQL through a node-postgres pool. Several server nodes share one
 * database; every multi-row change is one transaction, and the changes that must happen once
 * across nodes (enrollment, reports, metadata CAS, log appends, first settings) are serialised by
 * row locks, unique keys or advisory locks (ADR 0013).
 *
 * Sub-ports follow the SQLite pattern: `storage/postgres/pg-<feature>-store.ts` takes the PgDb,
 * its tables come in a migration appended to PG_MIGRATIONS, and one line below wires it.
 */
import pg from 'pg';
import type { Store } from '../store.js';
import { PartedStore } from '../store-parts.js';
import { PatchcastError } from '@patchcast/core';
import { PG_TYPES, PgDb } from './pg-db.js';
import { migrate, quoteIdent } from './pg-migrate.js';
import { checkPostgresUrl, dbUnavailable } from './pg-url.js';
import { SqlIdentity } from '../sql/identity.js';
import { SqlRepository } from '../sql/repository.js';
import { SqlAssignments } from '../sql/assignments.js';
import { SqlLogStore } from '../sql/log-store.js';
import { HASH_COLUMN } from '../sql/leaf-hashes.js';
import { SqlLeaseStore } from '../sql/lease-store.js';
import { SqlVulnStore } from '../sql/vuln-store.js';
import { SqlRolloutEngineStore } from '../sql/rollout-engine-store.js';
import { SqlWebhookStore } from '../sql/webhook-store.js';
import { SqlDeviceCertificates } from '../sql/device-certificates.js';
import { SqlDeviceResultsStore } from '../sql/device-results-store.js';

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

export class PgStore extends PartedStore implements Store {
  readonly kind = 'postgres';
  readonly log: SqlLogStore;
  readonly leases: SqlLeaseStore;
  readonly vulns: SqlVulnStore;
  readonly rolloutEngine: SqlRolloutEngineStore;
  readonly deviceResults: SqlDeviceResultsStore;
  readonly webhooks: SqlWebhookStore;
  readonly deviceCertificates: SqlDeviceCertificates;
  readonly #db: PgDb;

  private constructor(db: PgDb) {
    super({
      identity: new SqlIdentity(db),
      repository: new SqlRepository(db),
      assignments: new SqlAssignments(db),
    });
    this.#db = db;
    this.log = new SqlLogStore(db, HASH_COLUMN);
    this.leases = new SqlLeaseStore(db);
    this.vulns = new SqlVulnStore(db);
    this.rolloutEngine = new SqlRolloutEngineStore(db);
    this.deviceResults = new SqlDeviceResultsStore(db);
    this.webhooks = new SqlWebhookStore(db);
    this.deviceCertificates = new SqlDeviceCertificates(db);
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

  close(): Promise<void> {
    return this.#db.close();
  }
}
