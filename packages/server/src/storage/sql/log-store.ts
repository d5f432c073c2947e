/**
 * The transparency log tables on the query port: entries, their leaf hashes (sql/leaf-hashes.ts)
 * and every checkpoint. Appends from every node are serialised by one lock taken inside the
 * append transaction (advisory on PostgreSQL; SQLite has one writer): the size is read under the
 * lock, the batch must start there, and a refused batch rolls back having written nothing, so
 * the log stays linear however many nodes append (ADR 0013). Also read by the audit reader.
 */
import type { CheckpointRecord, LogEntryRecord, LogStore, PendingLogRecord } from '../store.js';
import { checkLogBatch } from '../report-rules.js';
import { chunks, valuesList } from './sql-db.js';
import type { SqlDb, SqlQueries } from './sql-db.js';
import type { LeafHashes } from './leaf-hashes.js';

interface EntryRow {
  idx: number;
  leaf: Buffer;
  /** PostgreSQL's rows hold their hash (sql/leaf-hashes.ts). */
  hash?: Buffer;
  subject: string | null;
}

export class SqlLogStore implements LogStore {
  readonly #db: SqlDb;
  readonly #hashes: LeafHashes;

  constructor(db: SqlDb, hashes: LeafHashes) {
    this.#db = db;
    this.#hashes = hashes;
  }

  append(
    entries: readonly LogEntryRecord[],
    checkpoint: CheckpointRecord,
    sequenced: readonly number[] = [],
  ): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.lock('log-append');
      const first = await sizeOf(tx);
      checkLogBatch(first, entries, checkpoint);
      await deletePending(tx, sequenced);
      await this.#insertEntries(tx, entries);
      await this.#hashes.append(
        tx,
        first,
        entries.map((e) => e.hash),
      );
      await tx.run('INSERT INTO log_checkpoints (size, note) VALUES ($1, $2)', [
        checkpoint.size,
        checkpoint.note,
      ]);
    });
  }

  async pending(limit: number): Promise<PendingLogRecord[]> {
    const rows = await this.#db.rows<{ seq: number; subject: string | null; entry: Buffer }>(
      'SELECT seq, subject, entry FROM log_pending ORDER BY seq LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      subject: row.subject,
      leaf: new Uint8Array(row.entry),
    }));
  }

  size(): Promise<number> {
    return sizeOf(this.#db);
  }

  /** Entry rows first: any hash stored with a row is there by the time the row is. */
  async entries(start: number, end: number): Promise<LogEntryRecord[]> {
    const rows = await this.#db.rows<EntryRow>(
      'SELECT * FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, end],
    );
    const hashes = await this.#packed(start, end);
    return rows.map((row) => toEntry(row, row.hash ?? hashes.get(row.idx)));
  }

  leafHashes(start: number, end: number): Promise<[number, Uint8Array][]> {
    return this.#hashes.read(this.#db, start, end);
  }

  async findBySubject(subject: string): Promise<LogEntryRecord | undefined> {
    const row = await this.#db.one<EntryRow>(
      'SELECT * FROM log_entries WHERE subject = $1 ORDER BY idx LIMIT 1',
      [subject],
    );
    if (row === undefined) return undefined;
    const hashes = await this.#packed(row.idx, row.idx + 1);
    return toEntry(row, row.hash ?? hashes.get(row.idx));
  }

  latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return this.#db.one<CheckpointRecord>(
      'SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1',
    );
  }

  checkpointCovering(index: number): Promise<CheckpointRecord | undefined> {
    return this.#db.one<CheckpointRecord>(
      'SELECT size, note FROM log_checkpoints WHERE size > $1 ORDER BY size LIMIT 1',
      [index],
    );
  }

  /** The hashes kept apart from the entry rows (none where rows hold them). */
  async #packed(start: number, end: number): Promise<Map<number, Uint8Array>> {
    if (this.#hashes.entryColumns.length > 0) return new Map();
    return new Map(await this.#hashes.read(this.#db, start, end));
  }

  async #insertEntries(tx: SqlQueries, entries: readonly LogEntryRecord[]): Promise<void> {
    const columns = ['idx', 'leaf', 'subject', ...this.#hashes.entryColumns];
    for (const slice of chunks(entries)) {
      await tx.run(
        `INSERT INTO log_entries (${columns.join(', ')})
         VALUES ${valuesList(slice.length, columns.length)}`,
        slice.flatMap((e) => [
          e.index,
          Buffer.from(e.leaf),
          e.subject,
          ...this.#hashes.entryValues(e),
        ]),
      );
    }
  }
}

/** Deletes the pending entries a batch sequenced; refused unless every one is still there. */
async function deletePending(tx: SqlQueries, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  const deleted = await tx.run(
    `DELETE FROM log_pending WHERE ${tx.dialect.inList('seq', '$1', 'bigint')}`,
    [tx.dialect.list(seqs)],
  );
  if (deleted !== seqs.length) throw new Error('pending log entries were sequenced twice');
}

async function sizeOf(q: SqlQueries): Promise<number> {
  const row = await q.one<{ n: number }>('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log_entries');
  return Number(row?.n ?? 0);
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
