import type Database from 'better-sqlite3';
import type {
  CheckpointRecord,
  LogEntryRecord,
  LogStore,
  PendingLogEntry,
  PendingLogRecord,
} from '../store.js';
import { appendLeafHashes, readLeafHashes } from './sqlite-leaf-hashes.js';
import { checkLogBatch } from '../report-rules.js';
import { settle } from './sqlite-sql.js';

interface EntryRow {
  idx: number;
  leaf: Buffer;
  subject: string | null;
}

/**
 * The transparency log tables of the SQLite store (migration 2): entries, their leaf hashes
 * packed by 256, and every checkpoint. Also used read-only by the audit reader.
 */
export class SqliteLogStore implements LogStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  append(
    entries: readonly LogEntryRecord[],
    checkpoint: CheckpointRecord,
    sequenced: readonly number[] = [],
  ): Promise<void> {
    return settle(() => {
      this.#db
        .transaction(() => {
          const first = this.#size();
          checkLogBatch(first, entries, checkpoint);
          deletePending(this.#db, sequenced);
          const insert = this.#db.prepare('INSERT INTO log_entries VALUES (?, ?, ?)');
          for (const e of entries) insert.run(e.index, Buffer.from(e.leaf), e.subject);
          appendLeafHashes(
            this.#db,
            first,
            entries.map((e) => e.hash),
          );
          this.#db
            .prepare('INSERT INTO log_checkpoints (size, note) VALUES (?, ?)')
            .run(checkpoint.size, checkpoint.note);
        })
        .immediate();
    });
  }

  pending(limit: number): Promise<PendingLogRecord[]> {
    return settle(() =>
      this.#db
        .prepare<[number], { seq: number; subject: string | null; entry: Buffer }>(
          'SELECT seq, subject, entry FROM log_pending ORDER BY seq LIMIT ?',
        )
        .all(limit)
        .map((row) => ({ seq: row.seq, subject: row.subject, leaf: new Uint8Array(row.entry) })),
    );
  }

  size(): Promise<number> {
    return settle(() => this.#size());
  }

  entries(start: number, end: number): Promise<LogEntryRecord[]> {
    return settle(() => {
      const hashes = new Map(readLeafHashes(this.#db, start, end));
      return this.#db
        .prepare<[number, number], EntryRow>(
          'SELECT * FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx',
        )
        .all(start, end)
        .map((row) => toEntry(row, hashes.get(row.idx)));
    });
  }

  leafHashes(start: number, end: number): Promise<[number, Uint8Array][]> {
    return settle(() => readLeafHashes(this.#db, start, end));
  }

  findBySubject(subject: string): Promise<LogEntryRecord | undefined> {
    return settle(() => {
      const row = this.#db
        .prepare<[string], EntryRow>(
          'SELECT * FROM log_entries WHERE subject = ? ORDER BY idx LIMIT 1',
        )
        .get(subject);
      return row && toEntry(row, readLeafHashes(this.#db, row.idx, row.idx + 1)[0]?.[1]);
    });
  }

  latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return settle(() =>
      this.#db
        .prepare<[], CheckpointRecord>(
          'SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1',
        )
        .get(),
    );
  }

  checkpointCovering(index: number): Promise<CheckpointRecord | undefined> {
    return settle(() =>
      this.#db
        .prepare<[number], CheckpointRecord>(
          'SELECT size, note FROM log_checkpoints WHERE size > ? ORDER BY size LIMIT 1',
        )
        .get(index),
    );
  }

  #size(): number {
    const row = this.#db
      .prepare<[], { n: number }>('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log_entries')
      .get();
    return row?.n ?? 0;
  }
}

/** Writes `logged` as pending log entries; call it inside the transaction of their change. */
export function insertPending(db: Database.Database, logged: readonly PendingLogEntry[]): void {
  const insert = db.prepare('INSERT INTO log_pending (subject, entry) VALUES (?, ?)');
  for (const e of logged) insert.run(e.subject, Buffer.from(e.leaf));
}

function deletePending(db: Database.Database, seqs: readonly number[]): void {
  if (seqs.length === 0) return;
  const deleted = db
    .prepare('DELETE FROM log_pending WHERE seq IN (SELECT value FROM json_each(?))')
    .run(JSON.stringify(seqs)).changes;
  if (deleted !== seqs.length) throw new Error('pending log entries were sequenced twice');
}

/** An entry whose hash is missing gets an empty one, which matches nothing. */
function toEntry(row: EntryRow, hash: Uint8Array | undefined): LogEntryRecord {
  return {
    index: row.idx,
    leaf: new Uint8Array(row.leaf),
    hash: new Uint8Array(hash ?? []),
    subject: row.subject,
  };
}
