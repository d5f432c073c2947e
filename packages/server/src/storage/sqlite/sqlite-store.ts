import Database from 'better-sqlite3';
import { DEVICE_STATES, FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { DeviceState, Role, RolloutState } from '@patchcast/protocol';
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
import { toAssignment, toDevice, toRollout } from './rows.js';
import type { AssignmentRow, DeviceRow, RolloutRow } from './rows.js';

const FINAL_LIST = FINAL_DEVICE_STATES.map((s) => `'${s}'`).join(',');

/** The embedded default: one SQLite file (WAL), synchronous calls behind the async Store port. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly log: SqliteLogStore;
  readonly leases: SqliteLeaseStore;
  readonly #db: Database.Database;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#migrate();
    this.log = new SqliteLogStore(this.#db);
    this.leases = new SqliteLeaseStore(this.#db);
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
    return this.#async(() => {
      this.#db.close();
    });
  }

  /** Runs synchronous SQLite work, turning a throw into a rejected promise as the port requires. */
  #async<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#db.prepare(sql).get(...params) as T | undefined;
  }
  #all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#db.prepare(sql).all(...params) as T[];
  }
  #run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.#db.prepare(sql).run(...params);
  }

  getSetting(key: string): Promise<string | undefined> {
    return this.#async(() => {
      return this.#get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value;
    });
  }

  initSetting(key: string, value: string): Promise<string> {
    return this.#async(() => {
      this.#run('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)', key, value);
      return (
        this.#get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value ??
        value
      );
    });
  }

  createApiToken(t: ApiTokenRecord): Promise<void> {
    return this.#async(() => {
      this.#run(
        'INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?)',
        t.id,
        t.name,
        t.role,
        t.hash,
        t.createdAt,
      );
    });
  }

  findApiToken(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.#async(() => {
      const row = this.#get<{
        id: string;
        name: string;
        role: Role;
        hash: string;
        created_at: string;
      }>('SELECT * FROM api_tokens WHERE hash = ?', hash);
      return (
        row && {
          id: row.id,
          name: row.name,
          role: row.role,
          hash: row.hash,
          createdAt: row.created_at,
        }
      );
    });
  }

  createEnrollToken(t: EnrollTokenRecord): Promise<void> {
    return this.#async(() => {
      this.#run(
        'INSERT INTO enroll_tokens (id, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        t.id,
        t.hash,
        t.createdBy,
        t.createdAt,
        t.expiresAt,
      );
    });
  }

  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult> {
    return this.#async(() => {
      const consume = this.#db.transaction((): ConsumeResult => {
        const row = this.#get<{ expires_at: string; used_at: string | null }>(
          'SELECT expires_at, used_at FROM enroll_tokens WHERE hash = ?',
          hash,
        );
        if (row === undefined) return 'unknown';
        if (row.used_at !== null) return 'used';
        if (Date.parse(row.expires_at) <= Date.parse(now)) return 'expired';
        this.#run('UPDATE enroll_tokens SET used_at = ? WHERE hash = ?', now, hash);
        return 'ok';
      });
      return consume.immediate();
    });
  }

  createDevice(d: DeviceRecord): Promise<void> {
    return this.#async(() => {
      this.#run(
        'INSERT INTO devices VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        d.id,
        d.name,
        d.publicKey,
        JSON.stringify(d.labels),
        JSON.stringify(d.inventory),
        d.enrolledAt,
        d.lastSeenAt,
        d.lastTimestampVersion,
      );
    });
  }

  getDevice(id: string): Promise<DeviceRecord | undefined> {
    return this.#async(() => {
      const row = this.#get<DeviceRow>('SELECT * FROM devices WHERE id = ?', id);
      return row && toDevice(row);
    });
  }

  listDevices(): Promise<DeviceRecord[]> {
    return this.#async(() => {
      return this.#all<DeviceRow>('SELECT * FROM devices ORDER BY enrolled_at, id').map(toDevice);
    });
  }

  touchDevice(id: string, at: string, update: Parameters<Store['touchDevice']>[2]): Promise<void> {
    return this.#async(() => {
      this.#run(
        `UPDATE devices SET last_seen_at = ?, inventory = COALESCE(?, inventory),
         last_timestamp_version = MAX(last_timestamp_version, COALESCE(?, 0)) WHERE id = ?`,
        at,
        update.inventory === undefined ? null : JSON.stringify(update.inventory),
        update.lastTimestampVersion ?? null,
        id,
      );
    });
  }

  latestMetadata(role: MetadataRole): Promise<MetadataRecord | undefined> {
    return this.#async(() => {
      const row = this.#get<{ version: number; bytes: Buffer }>(
        'SELECT version, bytes FROM metadata WHERE role = ? ORDER BY version DESC LIMIT 1',
        role,
      );
      return row && { role, version: row.version, bytes: new Uint8Array(row.bytes) };
    });
  }

  getMetadata(role: MetadataRole, version: number): Promise<MetadataRecord | undefined> {
    return this.#async(() => {
      const row = this.#get<{ bytes: Buffer }>(
        'SELECT bytes FROM metadata WHERE role = ? AND version = ?',
        role,
        version,
      );
      return row && { role, version, bytes: new Uint8Array(row.bytes) };
    });
  }

  commitMetadata(
    records: readonly MetadataRecord[],
    expectTargetsVersion?: number,
  ): Promise<boolean> {
    return this.#async(() => {
      const commit = this.#db.transaction((): boolean => {
        if (expectTargetsVersion !== undefined) {
          const latest = this.#get<{ v: number | null }>(
            "SELECT MAX(version) AS v FROM metadata WHERE role = 'targets'",
          );
          if ((latest?.v ?? 0) !== expectTargetsVersion) return false;
        }
        for (const r of records) {
          this.#run(
            'INSERT INTO metadata (role, version, bytes) VALUES (?, ?, ?)',
            r.role,
            r.version,
            Buffer.from(r.bytes),
          );
        }
        return true;
      });
      return commit.immediate();
    });
  }

  putArtifact(a: ArtifactRecord): Promise<void> {
    return this.#async(() => {
      this.#run(
        'INSERT OR IGNORE INTO artifacts VALUES (?, ?, ?)',
        a.sha256,
        a.length,
        a.createdAt,
      );
    });
  }

  getArtifact(sha256: string): Promise<ArtifactRecord | undefined> {
    return this.#async(() => {
      const row = this.#get<{ length: number; created_at: string }>(
        'SELECT * FROM artifacts WHERE sha256 = ?',
        sha256,
      );
      return row && { sha256, length: row.length, createdAt: row.created_at };
    });
  }

  createRollout(r: RolloutRecord, deviceIds: readonly string[]): Promise<void> {
    return this.#async(() => {
      this.#db
        .transaction(() => {
          this.#run(
            'INSERT INTO rollouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            r.id,
            r.patch.name,
            r.patch.version,
            r.targetPath,
            JSON.stringify(r.selector),
            r.state,
            r.createdAt,
            r.createdBy,
            r.completedAt,
          );
          const insert = this.#db.prepare(
            "INSERT INTO assignments (rollout_id, device_id, state, updated_at) VALUES (?, ?, 'pending', ?)",
          );
          for (const id of deviceIds) insert.run(r.id, id, r.createdAt);
        })
        .immediate();
    });
  }

  getRollout(id: string): Promise<RolloutRecord | undefined> {
    return this.#async(() => {
      const row = this.#get<RolloutRow>('SELECT * FROM rollouts WHERE id = ?', id);
      return row && toRollout(row);
    });
  }

  listRollouts(): Promise<RolloutRecord[]> {
    return this.#async(() => {
      return this.#all<RolloutRow>('SELECT * FROM rollouts ORDER BY created_at DESC, id').map(
        toRollout,
      );
    });
  }

  setRolloutState(id: string, state: RolloutState, completedAt: string | null): Promise<void> {
    return this.#async(() => {
      this.#run(
        'UPDATE rollouts SET state = ?, completed_at = ? WHERE id = ?',
        state,
        completedAt,
        id,
      );
    });
  }

  assignments(rolloutId: string): Promise<AssignmentRecord[]> {
    return this.#async(() => {
      const rows = this.#all<AssignmentRow>(
        'SELECT * FROM assignments WHERE rollout_id = ? ORDER BY device_id',
        rolloutId,
      );
      return rows.map(toAssignment);
    });
  }

  openAssignments(deviceId: string): Promise<AssignmentRecord[]> {
    return this.#async(() => {
      const rows = this.#all<AssignmentRow>(
        `SELECT a.* FROM assignments a JOIN rollouts r ON r.id = a.rollout_id
         WHERE a.device_id = ? AND a.state NOT IN (${FINAL_LIST}) ORDER BY r.created_at, r.id`,
        deviceId,
      );
      return rows.map(toAssignment);
    });
  }

  markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void> {
    return this.#async(() => {
      const update = this.#db.prepare(
        "UPDATE assignments SET state = 'notified', updated_at = ? WHERE rollout_id = ? AND device_id = ? AND state = 'pending'",
      );
      this.#db.transaction(() => deviceIds.forEach((id) => update.run(at, rolloutId, id)))();
    });
  }

  applyReport(r: ReportInput): Promise<ReportOutcome> {
    return this.#async(() => {
      const apply = this.#db.transaction((): ReportOutcome => {
        const inserted = this.#run(
          'INSERT OR IGNORE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          r.reportId,
          r.rolloutId,
          r.deviceId,
          r.state,
          r.error?.code ?? null,
          r.error?.message ?? null,
          r.timings === null ? null : JSON.stringify(r.timings),
          r.at,
        );
        if (inserted.changes === 0) return 'duplicate';
        const current = this.#get<{ state: DeviceState }>(
          'SELECT state FROM assignments WHERE rollout_id = ? AND device_id = ?',
          r.rolloutId,
          r.deviceId,
        );
        if (current === undefined) return 'unknown-assignment';
        if (!isForward(current.state, r.state)) return 'stale';
        this.#run(
          'UPDATE assignments SET state = ?, error_code = ?, error_message = ?, updated_at = ? WHERE rollout_id = ? AND device_id = ?',
          r.state,
          r.error?.code ?? null,
          r.error?.message ?? null,
          r.at,
          r.rolloutId,
          r.deviceId,
        );
        return 'applied';
      });
      return apply.immediate();
    });
  }
}

/** States only move forward; a final state never changes. */
function isForward(from: DeviceState, to: DeviceState): boolean {
  if (FINAL_DEVICE_STATES.includes(from)) return false;
  const rank = (s: DeviceState) => Math.min(DEVICE_STATES.indexOf(s), 4);
  return rank(to) >= rank(from);
}
