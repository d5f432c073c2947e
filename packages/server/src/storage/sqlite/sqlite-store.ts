import Database from 'better-sqlite3';
import type { Store } from '../store.js';
import { PartedStore } from '../store-parts.js';
import { SQLITE_MIGRATIONS } from '../sql/migrations.js';
import { SqlLogStore } from '../sql/log-store.js';
import { PACKED_HASHES } from '../sql/leaf-hashes.js';
import { SqlLeaseStore } from '../sql/lease-store.js';
import { SqlVulnStore } from '../sql/vuln-store.js';
import { SqlRolloutEngineStore } from '../sql/rollout-engine-store.js';
import { SqliteSql } from './sqlite-sql.js';
import { SqliteDb } from './sqlite-db.js';
import { cacheStatements } from './sqlite-statement-cache.js';
import { SqlIdentity } from '../sql/identity.js';
import { SqlRepository } from '../sql/repository.js';
import { SqlAssignments } from '../sql/assignments.js';
import { SqlWebhookStore } from '../sql/webhook-store.js';
import { SqlDeviceCertificates } from '../sql/device-certificates.js';
import { SqlDeviceResultsStore } from '../sql/device-results-store.js';

/**
 * The embedded default: one SQLite file (WAL), synchronous calls behind the async Store port.
 * The tables are served by one class per area (identity, repository, assignments) and one per
 * sub-port; this class opens the file, migrates it, and delegates.
 */
export class SqliteStore extends PartedStore implements Store {
  readonly kind = 'sqlite';
  readonly log: SqlLogStore;
  readonly leases: SqlLeaseStore;
  readonly vulns: SqlVulnStore;
  readonly rolloutEngine: SqlRolloutEngineStore;
  readonly deviceResults: SqlDeviceResultsStore;
  readonly webhooks: SqlWebhookStore;
  readonly deviceCertificates: SqlDeviceCertificates;
  readonly #db: SqliteDb;

  /** `groupCommit`: calls made in one event-loop turn share a transaction (ADR 0038). */
  constructor(path: string, options: { readonly groupCommit?: boolean } = {}) {
    const raw = openDatabase(path);
    const db = new SqliteDb(raw, options);
    const sql = new SqliteSql(raw);
    super({
      identity: new SqlIdentity(db),
      repository: new SqlRepository(db),
      assignments: new SqlAssignments(db),
    });
    this.#db = db;
    this.log = new SqlLogStore(db, PACKED_HASHES);
    this.leases = new SqlLeaseStore(db);
    this.vulns = new SqlVulnStore(db);
    this.rolloutEngine = new SqlRolloutEngineStore(db);
    this.deviceResults = new SqlDeviceResultsStore(db);
    this.webhooks = new SqlWebhookStore(db);
    this.deviceCertificates = new SqlDeviceCertificates(db);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}

/** Opens the file (WAL, full sync, foreign keys) and applies the migrations it has not seen. */
function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  cacheStatements(db);
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let i = applied; i < SQLITE_MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[i] ?? '');
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}
