/**
 * The Store written once (ADR 0039): every table served by one class on the query port, the same
 * on SQLite and PostgreSQL. SqliteStore and PgStore only open their database, migrate it and
 * hand the port here.
 */
import type { Store } from '../store.js';
import { PartedStore } from '../store-parts.js';
import type { SqlDb } from './sql-db.js';
import { SqlIdentity } from './identity.js';
import { SqlRepository } from './repository.js';
import { SqlAssignments } from './assignments.js';
import { SqlLogStore } from './log-store.js';
import { SqlLeaseStore } from './lease-store.js';
import { SqlVulnStore } from './vuln-store.js';
import { SqlRolloutEngineStore } from './rollout-engine-store.js';
import { SqlDeviceResultsStore } from './device-results-store.js';
import { SqlWebhookStore } from './webhook-store.js';
import { SqlDeviceCertificates } from './device-certificates.js';
import { SqlConsoleSessions } from './console-sessions.js';
import { SqlDevicePages } from './device-pages.js';
import { SqlImportHistory } from './import-history.js';
import { SqlPresence } from './presence.js';
import { HASH_COLUMN, PACKED_HASHES } from './leaf-hashes.js';

export class SqlStore extends PartedStore implements Store {
  readonly kind: SqlDb['dialect']['name'];
  readonly log: SqlLogStore;
  readonly leases: SqlLeaseStore;
  readonly vulns: SqlVulnStore;
  readonly rolloutEngine: SqlRolloutEngineStore;
  readonly deviceResults: SqlDeviceResultsStore;
  readonly webhooks: SqlWebhookStore;
  readonly deviceCertificates: SqlDeviceCertificates;
  readonly consoleSessions: SqlConsoleSessions;
  readonly devicePages: SqlDevicePages;
  readonly importHistory: SqlImportHistory;
  readonly presence: SqlPresence;
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    super({
      identity: new SqlIdentity(db),
      repository: new SqlRepository(db),
      assignments: new SqlAssignments(db),
    });
    this.#db = db;
    this.kind = db.dialect.name;
    this.log = new SqlLogStore(db, db.dialect.name === 'sqlite' ? PACKED_HASHES : HASH_COLUMN);
    this.leases = new SqlLeaseStore(db);
    this.vulns = new SqlVulnStore(db);
    this.rolloutEngine = new SqlRolloutEngineStore(db);
    this.deviceResults = new SqlDeviceResultsStore(db);
    this.webhooks = new SqlWebhookStore(db);
    this.deviceCertificates = new SqlDeviceCertificates(db);
    this.consoleSessions = new SqlConsoleSessions(db);
    this.devicePages = new SqlDevicePages(db);
    this.importHistory = new SqlImportHistory(db);
    this.presence = new SqlPresence(db);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
