/**
 * The transparency log tables on PostgreSQL. Appends from every node are serialised by one
 * advisory lock taken inside the append transaction: the size is read under the lock, the batch
 * must start there, and a refused batch rolls back having written nothing. The log stays linear
 * however many nodes append (ADR 0013).
 */
import type {
  CheckpointRecord,
  LogEntryRecord,
  LogStore,
  PendingLogEntry,
  PendingLogRecord,
} from '../store.js';
import { checkLogBatch } from '../report-rules.js';
import type { PgDb, PgQueries } from './pg-db.js';

interface EntryRow {
  idx: number;
  leaf: Buffer;
  hash: Buffer;
  subject: string | null;
}

export class PgLogStore implements LogStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  append(
    entries: readonly LogEntryRecord[],
    checkpoint: CheckpointRecord,
    sequenced: readonly number[] = [],
  ): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.lock('log-append');
      checkLogBatch(await sizeOf(tx), entries, checkpoint);
      if (sequenced.length > 0) {
        const deleted = await tx.run('DELETE FROM log_pending WHERE seq = ANY($1::bigint[])', [
          sequenced,
        ]);
        if (deleted !== sequenced.length)
          throw new Error('pending log entries were sequenced twice');
      }
      if (entries.length > 0) {
        await tx.run(
          `INSERT INTO log_entries (idx, leaf, hash, subject)
           SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::text[])`,
          [
            entries.map((e) => e.index),
            entries.map((e) => Buffer.from(e.leaf)),
            entries.map((e) => Buffer.from(e.hash)),
            entries.map((e) => e.subject),
          ],
        );
      }
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

  async entries(start: number, end: number): Promise<LogEntryRecord[]> {
    const rows = await this.#db.rows<EntryRow>(
      'SELECT * FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, end],
    );
    return rows.map(toEntry);
  }

  async leafHashes(start: number, end: number): Promise<[number, Uint8Array][]> {
    const rows = await this.#db.rows<{ idx: number; hash: Buffer }>(
      'SELECT idx, hash FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, end],
    );
    return rows.map((row) => [row.idx, new Uint8Array(row.hash)]);
  }

  async findBySubject(subject: string): Promise<LogEntryRecord | undefined> {
    const row = await this.#db.one<EntryRow>(
      'SELECT * FROM log_entries WHERE subject = $1 ORDER BY idx LIMIT 1',
      [subject],
    );
    return row && toEntry(row);
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
}

/** Writes `logged` as pending log entries; call it inside the transaction of their change. */
export async function insertPending(
  tx: PgQueries,
  logged: readonly PendingLogEntry[],
): Promise<void> {
  if (logged.length === 0) return;
  await tx.run(
    'INSERT INTO log_pending (subject, entry) SELECT * FROM unnest($1::text[], $2::bytea[])',
    [logged.map((e) => e.subject), logged.map((e) => Buffer.from(e.leaf))],
  );
}

async function sizeOf(q: PgQueries): Promise<number> {
  const row = await q.one<{ n: number }>('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log_entries');
  return row?.n ?? 0;
}

function toEntry(row: EntryRow): LogEntryRecord {
  return {
    index: row.idx,
    leaf: new Uint8Array(row.leaf),
    hash: new Uint8Array(row.hash),
    subject: row.subject,
  };
}
