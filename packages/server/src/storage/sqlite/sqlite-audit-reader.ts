/**
 * A read-only view of a stopped (or running) server's SQLite database for `patchcast audit verify
 * --data DIR` (ADR 0006): the log's leaves and every stored checkpoint, and the records the log
 * must describe. It never writes, migrates or takes a write lock.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PatchcastError } from '@patchcast/core';
import type {
  AssignmentRecord,
  CheckpointRecord,
  DeviceRecord,
  LogEntryRecord,
  RolloutRecord,
} from '../store.js';
import { toAssignment, toDevice, toRollout } from '../rows.js';
import { SqliteLogStore } from './sqlite-log-store.js';
import type { AssignmentRow, DeviceRow, RolloutRow } from '../rows.js';
import { LOG_ORIGIN_SETTING, logPublicKeyPath } from '../../keys/log-key.js';

export interface AuditData {
  readonly dataDir: string;
  /** The origin recorded in settings, if the log was ever started. */
  readonly origin: string | undefined;
  /** The verifier key in keys/log.pub (an auditor should rather pin one given out of band). */
  readonly verifierKey: string | undefined;
  /** One past the highest stored entry index. */
  logSize(): Promise<number>;
  /** Stored entries with start <= index < end, in index order; gaps are missing rows. */
  logEntries(start: number, end: number): Promise<LogEntryRecord[]>;
  /** Every stored checkpoint, smallest tree first. */
  checkpoints(): CheckpointRecord[];
  /** The newest top-level targets metadata file, as stored. */
  latestTargets(): Uint8Array | undefined;
  /** The newest metadata file of delegated targets role `name` (`delegated:<name>`), as stored. */
  latestDelegated(name: string): Uint8Array | undefined;
  rollouts(): RolloutRecord[];
  assignments(): AssignmentRecord[];
  devices(): DeviceRecord[];
  close(): void;
}

const LOG_SCHEMA_VERSION = 2;

/** Opens `<dataDir>/patchcast.db` read-only. */
export async function openAuditData(dataDir: string): Promise<AuditData> {
  const db = openReadOnly(join(dataDir, 'patchcast.db'));
  const log = new SqliteLogStore(db);
  const all = <T>(sql: string) => db.prepare<[], T>(sql).all();
  const origin = db
    .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
    .get(LOG_ORIGIN_SETTING)?.value;
  return {
    dataDir,
    origin,
    verifierKey: await readFile(logPublicKeyPath(dataDir), 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    ),
    logSize: () => log.size(),
    logEntries: (start, end) => log.entries(start, end),
    checkpoints: () =>
      all<CheckpointRecord>('SELECT size, note FROM log_checkpoints ORDER BY size'),
    latestTargets: () => latestMetadata(db, 'targets'),
    latestDelegated: (name) => latestMetadata(db, `delegated:${name}`),
    rollouts: () =>
      all<RolloutRow>('SELECT * FROM rollouts ORDER BY created_at, id').map(toRollout),
    assignments: () =>
      all<AssignmentRow>('SELECT * FROM assignments ORDER BY rollout_id, device_id').map(
        toAssignment,
      ),
    devices: () => all<DeviceRow>('SELECT * FROM devices ORDER BY id').map(toDevice),
    close: () => db.close(),
  };
}

function openReadOnly(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `cannot open ${path}: ${(error as Error).message}`, {
      hint: 'pass the data folder of a Patchcast server with --data DIR',
      cause: error,
    });
  }
  if ((db.pragma('user_version', { simple: true }) as number) < LOG_SCHEMA_VERSION) {
    db.close();
    throw new PatchcastError('CONFIG_INVALID', `${path} predates the transparency log`, {
      hint: 'start the server once with this version; it creates the log',
    });
  }
  return db;
}

function latestMetadata(db: Database.Database, role: string): Uint8Array | undefined {
  const row = db
    .prepare<[string], { bytes: Buffer }>(
      'SELECT bytes FROM metadata WHERE role = ? ORDER BY version DESC LIMIT 1',
    )
    .get(role);
  return row === undefined ? undefined : new Uint8Array(row.bytes);
}
