/**
 * Every node of one database must sign with the same online keys and the same log key, or agents
 * would see metadata and checkpoints that do not verify. The database records, for the root in
 * force, the key ids the server signs snapshot and timestamp with (the keys online-keys.ts loads
 * that this root lists) and the log's verifier key; a node whose keys differ refuses to start
 * (KEYSET_MISMATCH).
 *
 * The record follows the root: the first start records it for the genesis root (setting
 * `keyset`, first writer wins); admitting root N+1 records the admitting node's keys for it
 * (setting `keyset:root-<N+1>-<hash of its bytes>`, so a root that was checked but never
 * committed leaves nothing that could block another one), and every node must then hold them.
 * A database whose root in force has no record yet (rotated before records followed the root)
 * records it at the next start, first writer wins.
 */
import { PatchcastError, parseEnvelope, sha256Hex } from '@patchcast/core';
import type { Root, Signer } from '@patchcast/core';
import type { KeyFileOptions } from '@patchcast/protocol';
import type { MetadataRecord, Store } from '../storage/store.js';
import { checkOnlineKeys, signersFor } from '../features/repository/online-signing.js';
import { loadOnlineKeys } from './online-keys.js';
import { loadRoleKey } from './dev-keys.js';

export const KEYSET_SETTING = 'keyset';

export interface KeysetRecord {
  readonly snapshot: readonly string[];
  readonly timestamp: readonly string[];
  readonly log: string;
}

/** This node's keys: the online key pool it would sign with, the genesis keys, the log key. */
export interface LocalKeys {
  readonly pool: readonly Signer[];
  /** `keys/{snapshot,timestamp}.key`: what the genesis root will list when no root exists yet. */
  readonly genesis: { readonly snapshot: readonly Signer[]; readonly timestamp: readonly Signer[] };
  readonly log: string;
}

/** Loads the online keys (as online-keys.ts does for signing) and takes the log's verifier key. */
export async function localKeyset(
  dataDir: string,
  logVerifierKey: string,
  options: KeyFileOptions = {},
): Promise<LocalKeys> {
  const [pool, snapshot, timestamp] = await Promise.all([
    loadOnlineKeys(dataDir, options),
    loadRoleKey(dataDir, 'snapshot', options),
    loadRoleKey(dataDir, 'timestamp', options),
  ]);
  return {
    pool,
    genesis: { snapshot: snapshot.signers, timestamp: timestamp.signers },
    log: logVerifierKey,
  };
}

/** The setting that holds the key set recorded for `root` (a stored root metadata record). */
export function keysetSetting(root: Pick<MetadataRecord, 'version' | 'bytes'>): string {
  if (root.version === 1) return KEYSET_SETTING;
  return `${KEYSET_SETTING}:root-${root.version}-${sha256Hex(root.bytes).slice(0, 16)}`;
}

const ids = (signers: readonly Signer[]) => [...new Set(signers.map((s) => s.keyid))].sort();

/** The key ids `pool` signs with under `root`, and `log`. */
export function keysetFor(root: Root, pool: readonly Signer[], log: string): KeysetRecord {
  return {
    snapshot: ids(signersFor(root, pool, 'snapshot')),
    timestamp: ids(signersFor(root, pool, 'timestamp')),
    log,
  };
}

/**
 * Records this node's key set for the root in force if the database has none for it yet; throws
 * KEYSET_MISMATCH if it has another. A node that lacks online keys the root names (and has the
 * database's log key) is told so with ROOT_ONLINE_KEYS_MISSING, the more precise diagnosis.
 */
export async function checkKeyset(
  store: Store,
  local: LocalKeys,
  /** The log keys this node's log key succeeds by signed transitions (ADR 0028). */
  logPredecessors: readonly string[] = [],
): Promise<void> {
  const stored = await store.latestMetadata('root');
  const root = stored === undefined ? undefined : parseEnvelope('root', stored.bytes).signed;
  const mine: KeysetRecord =
    root === undefined
      ? {
          snapshot: ids(local.genesis.snapshot),
          timestamp: ids(local.genesis.timestamp),
          log: local.log,
        }
      : keysetFor(root, local.pool, local.log);
  const setting = stored === undefined ? KEYSET_SETTING : keysetSetting(stored);
  const text = JSON.stringify(mine);
  const recorded = await store.initSetting(setting, text);
  if (recorded === text) return;
  const differ = differences(JSON.parse(recorded) as KeysetRecord, mine).filter(
    (part) =>
      part !== 'log' || !logPredecessors.includes((JSON.parse(recorded) as KeysetRecord).log),
  );
  if (differ.length === 0) return;
  if (root !== undefined && !differ.includes('log')) checkOnlineKeys(root, local.pool);
  const which = root === undefined ? 'at its first start' : `for root v${root.version}`;
  throw new PatchcastError(
    'KEYSET_MISMATCH',
    `this node's ${differ.join(', ')} key(s) differ from those the database recorded ${which}`,
    {
      hint: 'copy the keys/ folder (with keys/online/) of a node already using this database to this node, then start it again',
    },
  );
}

/**
 * Records the key set for root `next` being admitted by this node, which signs with `pool`; the
 * log key is the one recorded for the root in force. Every node must then hold these keys.
 * Throws KEYSET_MISMATCH if another node recorded other keys for these very root bytes.
 */
export async function recordAdmittedKeyset(
  store: Store,
  next: { readonly root: Root; readonly bytes: Uint8Array },
  pool: readonly Signer[],
): Promise<void> {
  const current = await store.latestMetadata('root');
  if (current === undefined) return;
  const before = await store.getSetting(keysetSetting(current));
  // No record for the root in force (a server that never checked): the next start records one.
  if (before === undefined) return;
  const record = keysetFor(next.root, pool, (JSON.parse(before) as KeysetRecord).log);
  const text = JSON.stringify(record);
  const setting = keysetSetting({ version: next.root.version, bytes: next.bytes });
  const recorded = await store.initSetting(setting, text);
  if (recorded === text) return;
  const differ = differences(JSON.parse(recorded) as KeysetRecord, record);
  if (differ.length === 0) return;
  throw new PatchcastError(
    'KEYSET_MISMATCH',
    `this node's ${differ.join(', ')} key(s) for root v${next.root.version} differ from those another node recorded for it`,
    { hint: 'give every node of this database the same keys/online/ files, then publish again' },
  );
}

function differences(recorded: KeysetRecord, local: KeysetRecord): string[] {
  return (['snapshot', 'timestamp', 'log'] as const).filter(
    (part) => JSON.stringify(recorded[part]) !== JSON.stringify(local[part]),
  );
}
