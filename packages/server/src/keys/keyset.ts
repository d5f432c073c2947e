/**
 * Every node of one database must sign with the same online keys and the same log key, or agents
 * would see metadata and checkpoints that do not verify. The first start records the key ids in
 * the database (first writer wins); a node whose keys differ refuses to start (KEYSET_MISMATCH).
 */
import { PatchcastError, keyIdOf } from '@patchcast/core';
import type { KeyFileOptions } from '@patchcast/protocol';
import type { Store } from '../storage/store.js';
import { loadRoleKey } from './dev-keys.js';

export const KEYSET_SETTING = 'keyset';

export interface KeysetRecord {
  readonly snapshot: readonly string[];
  readonly timestamp: readonly string[];
  readonly log: string;
}

/** The key ids in `<data>/keys/{snapshot,timestamp}.key` and the log's verifier key. */
export async function localKeyset(
  dataDir: string,
  logVerifierKey: string,
  options: KeyFileOptions = {},
): Promise<KeysetRecord> {
  const [snapshot, timestamp] = await Promise.all([
    loadRoleKey(dataDir, 'snapshot', options),
    loadRoleKey(dataDir, 'timestamp', options),
  ]);
  const ids = (file: typeof snapshot) => file.publicKeys.map(keyIdOf).sort();
  return { snapshot: ids(snapshot), timestamp: ids(timestamp), log: logVerifierKey };
}

/** Records `local` if the database has no key set yet; throws KEYSET_MISMATCH if it has another. */
export async function checkKeyset(store: Store, local: KeysetRecord): Promise<void> {
  const text = JSON.stringify(local);
  const stored = await store.initSetting(KEYSET_SETTING, text);
  if (stored === text) return;
  const recorded = JSON.parse(stored) as KeysetRecord;
  const differ = (['snapshot', 'timestamp', 'log'] as const).filter(
    (part) => JSON.stringify(recorded[part]) !== JSON.stringify(local[part]),
  );
  throw new PatchcastError(
    'KEYSET_MISMATCH',
    `this node's ${differ.join(', ')} key(s) differ from those the database recorded at its first start`,
    {
      hint: 'copy the keys/ folder of a node already using this database to this node, then start it again',
    },
  );
}
