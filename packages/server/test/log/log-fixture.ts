/** A transparency log on a temporary SQLite store, with a fresh key. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNoteKeys, parseSignerKey } from '@patchcast/core';
import type { Ed25519NoteSigner } from '@patchcast/core';
import type { LogEventInput } from '@patchcast/protocol';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { TransparencyLog } from '../../src/features/log/transparency-log.js';
import type { BatchOptions } from '../../src/features/log/batch-writer.js';
import type { CheckpointRecord, LogEntryRecord, LogStore } from '../../src/storage/store.js';

export const ORIGIN = 'patchcast/test-log';

export function newSigner(origin = ORIGIN): Ed25519NoteSigner {
  return parseSignerKey(generateNoteKeys(origin).signerKey);
}

export function tempStore(): SqliteStore {
  return new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-log-')), 'test.db'));
}

export function openLog(
  store: LogStore,
  options: { signer?: Ed25519NoteSigner; batch?: BatchOptions } = {},
): Promise<TransparencyLog> {
  return TransparencyLog.open({
    store,
    signer: options.signer ?? newSigner(),
    ...(options.batch === undefined ? {} : { batch: options.batch }),
    onError: () => undefined,
  });
}

export function action(n: number): LogEventInput {
  return {
    type: 'operator-action',
    at: '2026-01-01T00:00:00.000Z',
    by: 'tester',
    action: 'test',
    target: `t${n}`,
  };
}

/** A LogStore that counts the batches written through it, and can be made to fail them. */
export function countingStore(
  inner: LogStore,
): LogStore & { readonly appends: number[]; failing: boolean } {
  const appends: number[] = [];
  const wrapper = {
    appends,
    failing: false,
    append: (
      entries: readonly LogEntryRecord[],
      checkpoint: CheckpointRecord,
      sequenced?: readonly number[],
    ) => {
      if (wrapper.failing) return Promise.reject(new Error('disk on fire'));
      appends.push(entries.length);
      return inner.append(entries, checkpoint, sequenced);
    },
    pending: (limit: number) => inner.pending(limit),
    size: () => inner.size(),
    entries: (start: number, end: number) => inner.entries(start, end),
    leafHashes: (start: number, end: number) => inner.leafHashes(start, end),
    findBySubject: (subject: string) => inner.findBySubject(subject),
    latestCheckpoint: () => inner.latestCheckpoint(),
    checkpointCovering: (index: number) => inner.checkpointCovering(index),
  };
  return wrapper;
}
