/**
 * Where the log keeps its leaf hashes, as each schema has them since the log's first migration:
 * SQLite packs them 256 to a row, as C2SP tlog-tiles level-0 tiles are (a server start reads a
 * million hashes from about 4 000 rows instead of a million); PostgreSQL keeps a `hash` column
 * on each entry.
 */
import { PatchcastError } from '@patchcast/core';
import type { LogEntryRecord } from '../store.js';
import type { SqlQueries } from './sql-db.js';

export interface LeafHashes {
  /** The columns of log_entries besides idx, leaf and subject that an insert fills. */
  readonly entryColumns: readonly string[];
  /** Those columns' values for one entry. */
  entryValues(entry: LogEntryRecord): unknown[];
  /** Stores the hashes of entries first, first + 1, ... beyond the entry rows. */
  append(tx: SqlQueries, first: number, hashes: readonly Uint8Array[]): Promise<void>;
  /** The stored hashes of entries start <= index < end, as [index, hash] in index order. */
  read(q: SqlQueries, start: number, end: number): Promise<[number, Uint8Array][]>;
}

/** PostgreSQL: a `hash` column on log_entries. */
export const HASH_COLUMN: LeafHashes = {
  entryColumns: ['hash'],
  entryValues: (entry) => [Buffer.from(entry.hash)],
  append: () => Promise.resolve(),
  read: async (q, start, end) => {
    const rows = await q.rows<{ idx: number; hash: Buffer }>(
      'SELECT idx, hash FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, end],
    );
    return rows.map((row) => [row.idx, new Uint8Array(row.hash)]);
  },
};

const PER_ROW = 256;
const HASH_SIZE = 32;

/** SQLite: log_leaf_hashes, one row per 256 entries. */
export const PACKED_HASHES: LeafHashes = {
  entryColumns: [],
  entryValues: () => [],
  append: appendPacked,
  read: readPacked,
};

async function appendPacked(
  tx: SqlQueries,
  first: number,
  hashes: readonly Uint8Array[],
): Promise<void> {
  for (let i = 0; i < hashes.length;) {
    const index = first + i;
    const [row, offset] = [Math.floor(index / PER_ROW), index % PER_ROW];
    const take = Math.min(hashes.length - i, PER_ROW - offset);
    const found = await tx.one<{ hashes: Buffer }>(
      'SELECT hashes FROM log_leaf_hashes WHERE tile = $1',
      [row],
    );
    const stored = found?.hashes ?? Buffer.alloc(0);
    if (stored.length !== offset * HASH_SIZE) {
      throw new PatchcastError('CONFLICT', `the stored leaf hashes do not end at entry ${index}`);
    }
    await tx.run(
      `INSERT INTO log_leaf_hashes (tile, hashes) VALUES ($1, $2)
       ON CONFLICT (tile) DO UPDATE SET hashes = excluded.hashes`,
      [row, Buffer.concat([stored, ...hashes.slice(i, i + take)])],
    );
    i += take;
  }
}

async function readPacked(
  q: SqlQueries,
  start: number,
  end: number,
): Promise<[number, Uint8Array][]> {
  if (end <= start) return [];
  const rows = await q.rows<{ tile: number; hashes: Buffer }>(
    'SELECT tile, hashes FROM log_leaf_hashes WHERE tile >= $1 AND tile <= $2 ORDER BY tile',
    [Math.floor(start / PER_ROW), Math.floor((end - 1) / PER_ROW)],
  );
  const found: [number, Uint8Array][] = [];
  for (const { tile, hashes } of rows) {
    for (let i = 0; i * HASH_SIZE < hashes.length; i += 1) {
      const index = tile * PER_ROW + i;
      if (index >= start && index < end) {
        found.push([index, hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)]);
      }
    }
  }
  return found;
}
