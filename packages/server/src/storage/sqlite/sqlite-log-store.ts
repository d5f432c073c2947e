import type Database from 'better-sqlite3';
import type { CheckpointRecord, LogEntryRecord, LogStore } from '../store.js';
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

  append(entries: readonly LogEntryRecord[], checkpoint: CheckpointRecord): Promise<void> {
    return settle(() => {
      this.#db
        .transaction(() => {
          const first = this.#size();
          checkLogBatch(first, entries, checkpoint);
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

/** An entry whose hash is missing gets an empty one, which matches nothing. */
function toEntry(row: EntryRow, hash: Uint8Array | undefined): LogEntryRecord {
  return {
    index: row.idx,
    leaf: new Uint8Array(row.leaf),
    hash: new Uint8Array(hash ?? []),
    subject: row.subject,
  };
}
