import { canonicalBytes } from '../canonical-json.js';
import { isPostQuantum, publicKeyIdentity, verifySignature } from '../keys.js';
import type { Signer, TufKey } from '../keys.js';
import { SecurityError } from '../errors.js';
import { PQ_ROLE_FIELD } from './role-keys.js';
import type { KeyThreshold, RoleKeys } from './role-keys.js';
import type { Envelope, ParsedEnvelope, Root, RoleName } from './metadata.js';
import type { DelegatedRole, Delegations } from './delegations.js';

/**
 * Signs the canonical form of `signed` with every signer (spec §4.1: signatures cover canonical
 * JSON), one signature per key id: a hybrid key set gives one Ed25519 and one ML-DSA-65 entry.
 */
export function signEnvelope<T>(signed: T, signers: readonly Signer[]): Envelope<T> {
  const bytes = canonicalBytes(signed);
  const unique = [...new Map(signers.map((s) => [s.keyid, s])).values()];
  return { signed, signatures: unique.map((s) => ({ keyid: s.keyid, sig: s.sign(bytes) })) };
}

/** What signature checks need: the exact canonical bytes that were signed, and the signatures. */
export type SignedBytes = Pick<ParsedEnvelope<unknown>, 'signedBytes' | 'signatures'>;

/** Re-reads an envelope built in memory the way a verifier would see it. */
export function asSignedBytes(envelope: Envelope<unknown>): SignedBytes {
  return {
    signedBytes: canonicalBytes(envelope.signed),
    signatures: envelope.signatures,
  };
}

/**
 * Counts distinct keys among `allowed.keyids` (looked up in `keys`, admitted by `admit`) that made
 * a valid signature. Counted by key identity, not key id: one key under two ids counts once.
 */
function countDistinct(
  envelope: SignedBytes,
  keys: Readonly<Record<string, TufKey>>,
  allowed: KeyThreshold,
  admit: (key: TufKey) => boolean,
): number {
  const seen = new Set<string>();
  for (const { keyid, sig } of envelope.signatures) {
    const key =
      allowed.keyids.includes(keyid) && Object.hasOwn(keys, keyid) ? keys[keyid] : undefined;
    if (key === undefined || !admit(key)) continue;
    const identity = publicKeyIdentity(key);
    if (identity === undefined || seen.has(identity)) continue;
    if (verifySignature(key, sig, envelope.signedBytes)) seen.add(identity);
  }
  return seen.size;
}

/** Counts distinct keys of `role`'s standard key ids (spec §4.3) that validly signed. */
export function countValidSignatures(envelope: SignedBytes, root: Root, role: RoleName): number {
  return countDistinct(envelope, root.keys, root.roles[role], () => true);
}

/** Counts distinct post-quantum keys of `role`'s `x-patchcast-pq` key ids that validly signed. */
export function countValidPqSignatures(envelope: SignedBytes, root: Root, role: RoleName): number {
  const pq = root.roles[role][PQ_ROLE_FIELD];
  return pq === undefined ? 0 : countDistinct(envelope, root.keys, pq, isPostQuantum);
}

/** The keys a role is checked against: root's for top-level roles, a delegator's for others. */
interface KeySource {
  readonly keys: Readonly<Record<string, TufKey>>;
  readonly role: RoleKeys;
  /** The metadata's role name, for messages. */
  readonly name: string;
  /** Whose keys these are, for messages: "root v3's targets keys". */
  readonly whose: (postQuantum: boolean) => string;
}

/**
 * Throws unless `role`'s keys in `root` signed the envelope: the standard TUF threshold first
 * (SECURITY_SIGNATURE_INVALID), then, where root declares one, the post-quantum threshold
 * (SECURITY_PQ_SIGNATURE_MISSING). A stock TUF client checks only the first.
 */
export function verifyThreshold(envelope: SignedBytes, root: Root, role: RoleName): void {
  verifyKeys(envelope, {
    keys: root.keys,
    role: root.roles[role],
    name: role,
    whose: (pq) => `root v${root.version}'s ${pq ? 'post-quantum ' : ''}${role} keys`,
  });
}

/**
 * Throws unless the keys `delegator` names for the delegated role `role` signed the envelope
 * (spec §5.6.7.2.1), with the same two thresholds as verifyThreshold.
 */
export function verifyDelegatedThreshold(
  envelope: SignedBytes,
  delegations: Delegations,
  role: DelegatedRole,
  delegator: string,
): void {
  verifyKeys(envelope, {
    keys: delegations.keys,
    role,
    name: role.name,
    whose: (pq) => `${delegator}'s ${pq ? 'post-quantum ' : ''}keys for ${role.name}`,
  });
}

function verifyKeys(envelope: SignedBytes, source: KeySource): void {
  const { threshold } = source.role;
  const valid = countDistinct(envelope, source.keys, source.role, () => true);
  if (valid < threshold) {
    throw new SecurityError(
      'SECURITY_SIGNATURE_INVALID',
      `${source.name} metadata has ${valid} valid signature(s) of ${source.whose(false)}; ${threshold} required`,
    );
  }
  const pq = source.role[PQ_ROLE_FIELD];
  if (pq === undefined) return;
  const pqValid = countDistinct(envelope, source.keys, pq, isPostQuantum);
  if (pqValid < pq.threshold) {
    throw new SecurityError(
      'SECURITY_PQ_SIGNATURE_MISSING',
      `${source.name} metadata has ${pqValid} valid ML-DSA-65 signature(s) of ${source.whose(true)}; ${pq.threshold} required`,
      { hint: 'the ML-DSA signatures were stripped, or a signer lacks its ML-DSA key' },
    );
  }
}

export function serializeEnvelope(envelope: Envelope<unknown>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(envelope, null, 1));
}

/** TUF expiry timestamps: UTC, whole seconds, `Z` suffix. */
export function formatExpires(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
