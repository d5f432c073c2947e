/**
 * A read-only view of a stopped (or running) server's database for `patchcast audit verify --data
 * DIR [--db URL]` (ADR 0006): the log's leaves, the entries still pending (ADR 0033), every stored
 * checkpoint, and the records the log must describe. SQLite is opened read-only; PostgreSQL
 * through read-only transactions. It never writes, migrates or takes a write lock.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PatchcastError } from '@patchcast/core';
import type {
  AssignmentRecord,
  CheckpointRecord,
  DeviceRecord,
  LogEntryRecord,
  LogStore,
  MetadataRecord,
  MetadataRole,
  PendingLogRecord,
  RolloutRecord,
} from './store.js';
import type { RolloutDecisionRecord } from './rollout-engine-store.js';
import { toAssignment, toDecision, toDevice, toRollout } from './rows.js';
import type { AssignmentRow, DecisionRow, DeviceRow, RolloutRow } from './rows.js';
import { SqlLogStore } from './sql/log-store.js';
import { HASH_COLUMN, PACKED_HASHES } from './sql/leaf-hashes.js';
import { SqliteDb } from './sqlite/sqlite-db.js';
import { PG_TYPES, PgDb } from './postgres/pg-db.js';
import { checkPostgresUrl, dbUnavailable, redactDbUrl } from './postgres/pg-url.js';
import { LOG_ORIGIN_SETTING, logPublicKeyPath } from '../keys/log-key.js';

export interface AuditData {
  readonly dataDir: string;
  /** The PostgreSQL database (password hidden), or undefined for SQLite. */
  readonly db: string | undefined;
  /** The origin recorded in settings, if the log was ever started. */
  readonly origin: string | undefined;
  /** The verifier key in keys/log.pub (an auditor should rather pin one given out of band). */
  readonly verifierKey: string | undefined;
  /** One past the highest stored entry index. */
  logSize(): Promise<number>;
  /** Stored entries with start <= index < end, in index order; gaps are missing rows. */
  logEntries(start: number, end: number): Promise<LogEntryRecord[]>;
  /** Entries written with their records but not yet in the log (the server sequences them). */
  pendingEntries(): Promise<PendingLogRecord[]>;
  /** Every stored checkpoint, smallest tree first. */
  checkpoints(): Promise<CheckpointRecord[]>;
  /** Every stored metadata file of every role and version (`delegated:<name>` for delegations). */
  metadata(): Promise<MetadataRecord[]>;
  rollouts(): Promise<RolloutRecord[]>;
  assignments(): Promise<AssignmentRecord[]>;
  /** The planned rollouts' decisions, by rollout id, in seq order. */
  decisions(): Promise<Map<string, RolloutDecisionRecord[]>>;
  devices(): Promise<DeviceRecord[]>;
  close(): Promise<void>;
}

/** Where the records are: `<dataDir>/patchcast.db`, or the PostgreSQL database at `db`. */
export interface AuditDataOptions {
  readonly dataDir: string;
  readonly db?: string | undefined;
}

/** The few reads the audit makes, on either database. */
interface AuditReads {
  readonly rows: <T>(sql: string) => Promise<T[]>;
  readonly log: LogStore;
  readonly close: () => Promise<void>;
}

const LOG_SCHEMA_VERSION = 2;
const PENDING_LIMIT = 1_000_000;

export async function openAuditData(options: AuditDataOptions): Promise<AuditData> {
  const { dataDir } = options;
  const reads =
    options.db === undefined
      ? sqliteReads(join(dataDir, 'patchcast.db'))
      : await pgReads(options.db);
  try {
    const settings = await reads.rows<{ value: string }>(
      `SELECT value FROM settings WHERE key = '${LOG_ORIGIN_SETTING}'`,
    );
    const verifierKey = await readFile(logPublicKeyPath(dataDir), 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    );
    const db = options.db === undefined ? undefined : redactDbUrl(options.db);
    return auditData({ dataDir, db, origin: settings[0]?.value, verifierKey }, reads);
  } catch (error) {
    await reads.close();
    throw error;
  }
}

type AuditFacts = Pick<AuditData, 'dataDir' | 'db' | 'origin' | 'verifierKey'>;

function auditData(facts: AuditFacts, { rows, log, close }: AuditReads): AuditData {
  return {
    ...facts,
    logSize: () => log.size(),
    logEntries: (start, end) => log.entries(start, end),
    pendingEntries: () => log.pending(PENDING_LIMIT),
    checkpoints: () =>
      rows<CheckpointRecord>('SELECT size, note FROM log_checkpoints ORDER BY size'),
    metadata: async () =>
      (
        await rows<{ role: MetadataRole; version: number; bytes: Uint8Array }>(
          'SELECT role, version, bytes FROM metadata ORDER BY role, version',
        )
      ).map((r) => ({ role: r.role, version: r.version, bytes: new Uint8Array(r.bytes) })),
    rollouts: async () =>
      (await rows<RolloutRow>('SELECT * FROM rollouts ORDER BY created_at, id')).map(toRollout),
    assignments: async () =>
      (await rows<AssignmentRow>('SELECT * FROM assignments ORDER BY rollout_id, device_id')).map(
        toAssignment,
      ),
    decisions: async () => decisionsByRollout(await rows<DecisionRow>(DECISIONS)),
    devices: async () => (await rows<DeviceRow>('SELECT * FROM devices ORDER BY id')).map(toDevice),
    close,
  };
}

const DECISIONS = 'SELECT * FROM rollout_decisions ORDER BY rollout_id, seq';

function decisionsByRollout(rows: readonly DecisionRow[]): Map<string, RolloutDecisionRecord[]> {
  const byRollout = new Map<string, RolloutDecisionRecord[]>();
  for (const row of rows) {
    const list = byRollout.get(row.rollout_id) ?? [];
    list.push(toDecision(row));
    byRollout.set(row.rollout_id, list);
  }
  return byRollout;
}

function sqliteReads(path: string): AuditReads {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `cannot open ${path}: ${(error as Error).message}`, {
      hint: 'pass the data folder of a Patchcast server with --data DIR (and --db URL for PostgreSQL)',
      cause: error,
    });
  }
  if ((db.pragma('user_version', { simple: true }) as number) < LOG_SCHEMA_VERSION) {
    db.close();
    throw new PatchcastError('CONFIG_INVALID', `${path} predates the transparency log`, {
      hint: 'start the server once with this version; it creates the log',
    });
  }
  const reads = new SqliteDb(db);
  return {
    rows: (sql) => reads.rows(sql),
    log: new SqlLogStore(reads, PACKED_HASHES),
    close: () => reads.close(),
  };
}

/** Every statement runs in a read-only transaction; nothing is migrated. */
async function pgReads(url: string): Promise<AuditReads> {
  checkPostgresUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: 10_000,
    application_name: 'patchcast-audit',
    options: '-c default_transaction_read_only=on',
    types: PG_TYPES,
  });
  pool.on('error', () => undefined);
  const db = new PgDb(pool);
  try {
    const tables = await db.rows<{ name: string }>(
      "SELECT to_regclass('log_pending')::text AS name",
    );
    if (tables[0]?.name == null) {
      throw new PatchcastError('CONFIG_INVALID', `${redactDbUrl(url)} holds no Patchcast log`, {
        hint: 'pass the --db URL the server runs with; start the server once with this version',
      });
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof PatchcastError && error.code !== 'DB_UNAVAILABLE') throw error;
    throw dbUnavailable(url, error instanceof PatchcastError ? error.cause : error);
  }
  return {
    rows: (sql) => db.rows(sql),
    log: new SqlLogStore(db, HASH_COLUMN),
    close: () => db.close(),
  };
}
