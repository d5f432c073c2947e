import Database from 'better-sqlite3';
import type { Store } from '../store.js';
import { PartedStore } from '../store-parts.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteLogStore } from './sqlite-log-store.js';
import { SqliteLeaseStore } from './sqlite-lease-store.js';
import { SqliteVulnStore } from './sqlite-vuln-store.js';
import { SqliteRolloutEngineStore } from './sqlite-rollout-engine-store.js';
import { SqliteSql, settle } from './sqlite-sql.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { cacheStatements } from './sqlite-statement-cache.js';
import { SqliteIdentity } from './sqlite-identity.js';
import { SqliteRepository } from './sqlite-repository.js';
import { SqliteAssignments } from './sqlite-assignments.js';
import { SqliteWebhookStore } from './sqlite-webhook-store.js';
import { SqliteDeviceCertificates } from './sqlite-device-certificates.js';
import { SqliteDeviceResultsStore } from './sqlite-device-results-store.js';
import { SqlConsoleSessions } from '../sql-console-sessions.js';
import { SqlDevicePages } from '../sql-device-pages.js';
import { SqlImportHistory } from '../sql-import-history.js';
import { SqlPresence } from '../sql-presence.js';
import { sqlitePort } from './sqlite-port.js';

/**
 * The embedded default: one SQLite file (WAL), synchronous calls behind the async Store port.
 * The tables are served by one class per area (identity, repository, assignments) and one per
 * sub-port; this class opens the file, migrates it, and delegates.
 */
export class SqliteStore extends PartedStore implements Store {
  readonly kind = 'sqlite';
  readonly log: SqliteLogStore;
  readonly leases: SqliteLeaseStore;
  readonly vulns: SqliteVulnStore;
  readonly rolloutEngine: SqliteRolloutEngineStore;
  readonly deviceResults: SqliteDeviceResultsStore;
  readonly webhooks: SqliteWebhookStore;
  readonly deviceCertificates: SqliteDeviceCertificates;
  readonly consoleSessions: SqlConsoleSessions;
  readonly devicePages: SqlDevicePages;
  readonly importHistory: SqlImportHistory;
  readonly presence: SqlPresence;
  readonly #db: Database.Database;

  readonly #group: SqliteGroupCommit | undefined;

  /** `groupCommit`: calls made in one event-loop turn share a transaction (ADR 0038). */
  constructor(path: string, options: { readonly groupCommit?: boolean } = {}) {
    const db = openDatabase(path);
    const sql = new SqliteSql(db);
    const group = options.groupCommit === true ? new SqliteGroupCommit(db) : undefined;
    const part = <T extends object>(p: T): T => (group === undefined ? p : group.wrap(p));
    super({
      identity: part(new SqliteIdentity(sql)),
      repository: part(new SqliteRepository(sql)),
      assignments: part(new SqliteAssignments(sql)),
    });
    this.#db = db;
    this.#group = group;
    this.log = part(new SqliteLogStore(db));
    this.leases = part(new SqliteLeaseStore(db));
    this.vulns = part(new SqliteVulnStore(db));
    this.rolloutEngine = part(new SqliteRolloutEngineStore(db));
    this.deviceResults = part(new SqliteDeviceResultsStore(db));
    this.webhooks = part(new SqliteWebhookStore(db));
    this.deviceCertificates = part(new SqliteDeviceCertificates(db));
    const port = sqlitePort(db);
    this.consoleSessions = part(new SqlConsoleSessions(port));
    this.devicePages = part(new SqlDevicePages(port));
    this.importHistory = part(new SqlImportHistory(port));
    this.presence = part(new SqlPresence(port));
  }

  close(): Promise<void> {
    return settle(() => {
      this.#group?.flush();
      this.#db.close();
    });
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
