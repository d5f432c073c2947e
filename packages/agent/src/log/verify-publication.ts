/**
 * The log checks an agent makes before installing a patch (docs/protocol/log.md "What the agent
 * verifies"), as pure functions over already fetched bytes.
 */
import { SecurityError, leafHash, verifyConsistency, verifyTlogProof } from '@patchcast/core';
import type { Checkpoint, LogIdentity, TargetFile, VerifiedTlogProof } from '@patchcast/core';
import { parseLogEntry, targetPathOf } from '@patchcast/protocol';
import type { LogEvent, PatchRef, PublicationProofResponse } from '@patchcast/protocol';

export interface PublicationClaim {
  readonly ref: PatchRef;
  /** The target as TUF-verified targets metadata describes it. */
  readonly target: TargetFile;
  readonly publication: PublicationProofResponse;
  readonly log: LogIdentity;
}

/**
 * Steps 1 and 2:
 * 1. the tlog-proof's checkpoint is signed by the pinned key for the pinned origin, and the entry
 *    is included in its tree (C2SP tlog-proof; RFC 9162 §2.1.3.2);
 * 2. the entry is the patch-published event of exactly this name, version, path, length and
 *    SHA-256 as signed targets metadata has them.
 */
export function verifyPublication(claim: PublicationClaim): VerifiedTlogProof {
  const entry = new Uint8Array(Buffer.from(claim.publication.entry, 'base64'));
  const verified = verifyTlogProof(claim.publication.proof, {
    leafHash: leafHash(entry),
    log: claim.log,
  });
  checkPublishedEntry(parseLogEntry(entry), claim.ref, claim.target);
  return verified;
}

function checkPublishedEntry(event: LogEvent | undefined, ref: PatchRef, target: TargetFile): void {
  const what = `${ref.name}@${ref.version}`;
  if (event?.type !== 'patch-published') {
    throw proofInvalid(`the proven log entry is not the publication of ${what}`);
  }
  const expected = {
    name: ref.name,
    version: ref.version,
    targetPath: targetPathOf(ref),
    length: target.length,
    sha256: target.hashes.sha256,
  };
  for (const [field, value] of Object.entries(expected)) {
    const logged: unknown = event[field as keyof typeof expected];
    if (logged !== value) {
      throw proofInvalid(
        `the log publishes ${what} with ${field} ${String(logged)}; signed targets say ${String(value)}`,
      );
    }
  }
}

/**
 * Step 3: `newer` extends `older` (RFC 9162 §2.1.4.2): one history, never a split view.
 * Equal sizes need equal roots.
 */
export function checkExtends(
  older: Checkpoint,
  newer: Checkpoint,
  proof: readonly Uint8Array[],
): void {
  verifyConsistency({
    size1: older.size,
    root1: older.rootHash,
    size2: newer.size,
    root2: newer.rootHash,
    proof,
  });
}

function proofInvalid(message: string): SecurityError {
  return new SecurityError('SECURITY_PROOF_INVALID', message, {
    hint: 'the log does not record this patch as published: do not install it; report it',
  });
}
