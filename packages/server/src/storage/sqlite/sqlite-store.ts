import Database from 'better-sqlite3';
import type { RolloutState } from '@patchcast/protocol';
import type {
  ApiTokenRecord,
  ArtifactRecord,
  AssignmentRecord,
  ConsumeResult,
  DeviceRecord,
  EnrollTokenRecord,
  MetadataRecord,
  MetadataRole,
  ReportInput,
  ReportOutcome,
  RolloutRecord,
  Store,
} from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteLogStore } from './sqlite-log-store.js';
import { SqliteLeaseStore } from './sqlite-lease-store.js';
import { SqliteVulnStore } from './sqlite-vuln-store.js';
import { SqliteRolloutEngineStore } from './sqlite-rollout-engine-store.js';
import { SqliteSql, settle } from './sqlite-sql.js';
import { SqliteIdentity } from './sqlite-identity.js';
import { SqliteRepository } from './sqlite-repository.js';
import { SqliteAssignments } from './sqlite-assignments.js';
import { SqliteDeviceResultsStore } from './sqlite-device-results-store.js';

/**
 * The embedded default: one SQLite file (WAL), synchronous calls behind the async Store port.
 * The tables are served by one class per area (identity, repository, assignments) and one per
 * sub-port; this class opens the file, migrates it, and delegates.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly log: SqliteLogStore;
  readonly leases: SqliteLeaseStore;
  readonly vulns: SqliteVulnStore;
  readonly rolloutEngine: SqliteRolloutEngineStore;
  readonly deviceResults: SqliteDeviceResultsStore;
  readonly #db: Database.Database;
  readonly #identity: SqliteIdentity;
  readonly #repository: SqliteRepository;
  readonly #assignments: SqliteAssignments;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#migrate();
    this.log = new SqliteLogStore(this.#db);
    this.leases = new SqliteLeaseStore(this.#db);
    const sql = new SqliteSql(this.#db);
    this.#identity = new SqliteIdentity(sql);
    this.#repository = new SqliteRepository(sql);
    this.#assignments = new SqliteAssignments(sql);
    this.vulns = new SqliteVulnStore(this.#db);
    this.rolloutEngine = new SqliteRolloutEngineStore(this.#db);
    this.deviceResults = new SqliteDeviceResultsStore(this.#db);
  }
  #migrate(): void {
    const applied = this.#db.pragma('user_version', { simple: true }) as number;
    for (let i = applied; i < SQLITE_MIGRATIONS.length; i++) {
      this.#db.transaction(() => {
        this.#db.exec(SQLITE_MIGRATIONS[i] ?? '');
        this.#db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }

  close(): Promise<void> {
    return settle(() => {
      this.#db.close();
    });
  }

  getSetting(key: string): Promise<string | undefined> {
    return this.#identity.getSetting(key);
  }
  initSetting(key: string, value: string): Promise<string> {
    return this.#identity.initSetting(key, value);
  }
  createApiToken(token: ApiTokenRecord): Promise<void> {
    return this.#identity.createApiToken(token);
  }
  findApiToken(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.#identity.findApiToken(hash);
  }
  createEnrollToken(token: EnrollTokenRecord): Promise<void> {
    return this.#identity.createEnrollToken(token);
  }
  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult> {
    return this.#identity.consumeEnrollToken(hash, now);
  }
  createDevice(device: DeviceRecord): Promise<void> {
    return this.#identity.createDevice(device);
  }
  getDevice(id: string): Promise<DeviceRecord | undefined> {
    return this.#identity.getDevice(id);
  }
  listDevices(): Promise<DeviceRecord[]> {
    return this.#identity.listDevices();
  }
  touchDevice(id: string, at: string, update: Parameters<Store['touchDevice']>[2]): Promise<void> {
    return this.#identity.touchDevice(id, at, update);
  }

  latestMetadata(role: MetadataRole): Promise<MetadataRecord | undefined> {
    return this.#repository.latestMetadata(role);
  }
  getMetadata(role: MetadataRole, version: number): Promise<MetadataRecord | undefined> {
    return this.#repository.getMetadata(role, version);
  }
  commitMetadata(records: readonly MetadataRecord[], expectTargets?: number): Promise<boolean> {
    return this.#repository.commitMetadata(records, expectTargets);
  }
  putArtifact(artifact: ArtifactRecord): Promise<void> {
    return this.#repository.putArtifact(artifact);
  }
  getArtifact(sha256: string): Promise<ArtifactRecord | undefined> {
    return this.#repository.getArtifact(sha256);
  }

  createRollout(rollout: RolloutRecord, deviceIds: readonly string[]): Promise<void> {
    return this.#assignments.createRollout(rollout, deviceIds);
  }
  getRollout(id: string): Promise<RolloutRecord | undefined> {
    return this.#assignments.getRollout(id);
  }
  listRollouts(): Promise<RolloutRecord[]> {
    return this.#assignments.listRollouts();
  }
  setRolloutState(id: string, state: RolloutState, completedAt: string | null): Promise<void> {
    return this.#assignments.setRolloutState(id, state, completedAt);
  }
  assignments(rolloutId: string): Promise<AssignmentRecord[]> {
    return this.#assignments.assignments(rolloutId);
  }
  openAssignments(deviceId: string): Promise<AssignmentRecord[]> {
    return this.#assignments.openAssignments(deviceId);
  }
  markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void> {
    return this.#assignments.markNotified(rolloutId, deviceIds, at);
  }
  applyReport(report: ReportInput): Promise<ReportOutcome> {
    return this.#assignments.applyReport(report);
  }
}
