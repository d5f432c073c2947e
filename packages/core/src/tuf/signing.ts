import { canonicalBytes } from '../canonical-json.js';
import { verifySignature } from '../keys.js';
import type { Signer } from '../keys.js';
import { SecurityError } from '../errors.js';
import type { Envelope, ParsedEnvelope, Root, RoleName } from './metadata.js';

/** Signs the canonical form of `signed` with every signer (spec §4.1: signatures cover canonical JSON). */
export function signEnvelope<T>(signed: T, signers: readonly Signer[]): Envelope<T> {
  const bytes = canonicalBytes(signed);
  return { signed, signatures: signers.map((s) => ({ keyid: s.keyid, sig: s.sign(bytes) })) };
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

/** Counts distinct trusted keys of `role` (per `root`) that made a valid signature over `signed`. */
export function countValidSignatures(envelope: SignedBytes, root: Root, role: RoleName): number {
  const roleKeys = root.roles[role];
  const bytes = envelope.signedBytes;
  // Counted by public key, not key id: one key listed under two ids must not count twice.
  const seen = new Set<string>();
  for (const { keyid, sig } of envelope.signatures) {
    const key = roleKeys.keyids.includes(keyid) ? root.keys[keyid] : undefined;
    if (key === undefined || seen.has(key.keyval.public)) continue;
    if (verifySignature(key, sig, bytes)) seen.add(key.keyval.public);
  }
  return seen.size;
}

/** Throws unless a threshold of `role`'s keys in `root` signed the envelope. */
export function verifyThreshold(envelope: SignedBytes, root: Root, role: RoleName): void {
  const { threshold } = root.roles[role];
  const valid = countValidSignatures(envelope, root, role);
  if (valid < threshold) {
    throw new SecurityError(
      'SECURITY_SIGNATURE_INVALID',
      `${role} metadata has ${valid} valid signature(s) of root v${root.version}'s ${role} keys; ${threshold} required`,
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
