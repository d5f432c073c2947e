/**
 * Signing the online roles. Snapshot and timestamp are signed with the server's online keys that
 * the root in force lists for that role (standard and `x-patchcast-pq` key ids), so a root that
 * rotates an online key switches the server to the new key as soon as it is published.
 */
import {
  PQ_ROLE_FIELD,
  PatchcastError,
  buildSnapshot,
  buildTimestamp,
  isPostQuantum,
  serializeEnvelope,
  signEnvelope,
} from '@patchcast/core';
import type { Root, Signer } from '@patchcast/core';
import type { MetadataRecord } from '../../storage/store.js';

export type OnlineRole = 'snapshot' | 'timestamp';

export interface OnlineSigning {
  readonly root: Root;
  readonly pool: readonly Signer[];
  /** Seconds each role stays valid. */
  readonly validity: Readonly<Record<OnlineRole, number>>;
  readonly now: Date;
}

/** The pool's signers whose key ids `root` lists for `role`, one per key id. */
export function signersFor(root: Root, pool: readonly Signer[], role: OnlineRole): Signer[] {
  const listed = new Set([
    ...root.roles[role].keyids,
    ...(root.roles[role][PQ_ROLE_FIELD]?.keyids ?? []),
  ]);
  return [...new Map(pool.filter((s) => listed.has(s.keyid)).map((s) => [s.keyid, s])).values()];
}

/** Throws ROOT_ONLINE_KEYS_MISSING unless the pool can meet both thresholds of both online roles. */
export function checkOnlineKeys(root: Root, pool: readonly Signer[]): void {
  for (const role of ['snapshot', 'timestamp'] as const) enoughSigners(root, pool, role);
}

/** The signers for `role`; ROOT_ONLINE_KEYS_MISSING rather than metadata agents would refuse. */
function enoughSigners(root: Root, pool: readonly Signer[], role: OnlineRole): Signer[] {
  const signers = signersFor(root, pool, role);
  const pq = signers.filter((s) => isPostQuantum(s.key)).length;
  const standard = signers.filter((s) => root.roles[role].keyids.includes(s.keyid)).length;
  const pqNeeded = root.roles[role][PQ_ROLE_FIELD]?.threshold ?? 0;
  if (standard < root.roles[role].threshold || pq < pqNeeded) {
    throw new PatchcastError(
      'ROOT_ONLINE_KEYS_MISSING',
      `the server holds ${standard} of ${root.roles[role].threshold} Ed25519 and ${pq} of ${pqNeeded} ML-DSA-65 ${role} key(s) that root v${root.version} names`,
      {
        hint: "copy the online key files the root names into this server's <data>/keys/online/ folder",
      },
    );
  }
  return signers;
}

function expires(signing: OnlineSigning, role: OnlineRole): Date {
  return new Date(signing.now.getTime() + signing.validity[role] * 1000);
}

export function signTimestamp(
  signing: OnlineSigning,
  version: number,
  snapshotVersion: number,
  snapshotBytes: Uint8Array,
): MetadataRecord {
  const signed = buildTimestamp(
    version,
    expires(signing, 'timestamp'),
    snapshotVersion,
    snapshotBytes,
  );
  const signers = enoughSigners(signing.root, signing.pool, 'timestamp');
  return { role: 'timestamp', version, bytes: serializeEnvelope(signEnvelope(signed, signers)) };
}

export function signSnapshotAndTimestamp(
  signing: OnlineSigning,
  versions: {
    readonly snapshot: number;
    readonly timestamp: number;
    readonly targets: number;
    /** Each delegated role's metadata version, listed as `<name>.json`. */
    readonly delegated?: Readonly<Record<string, number>>;
  },
): MetadataRecord[] {
  const snapshot = buildSnapshot(
    versions.snapshot,
    expires(signing, 'snapshot'),
    versions.targets,
    versions.delegated,
  );
  const signers = enoughSigners(signing.root, signing.pool, 'snapshot');
  const bytes = serializeEnvelope(signEnvelope(snapshot, signers));
  return [
    { role: 'snapshot', version: versions.snapshot, bytes },
    signTimestamp(signing, versions.timestamp, versions.snapshot, bytes),
  ];
}
