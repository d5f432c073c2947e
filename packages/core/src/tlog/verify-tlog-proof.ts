import type { Checkpoint } from './checkpoint.js';
import type { LogIdentity } from './open-checkpoint.js';
import { openCheckpoint } from './open-checkpoint.js';
import type { OpenedNote } from './open-note.js';
import { parseTlogProof } from './tlog-proof.js';
import { verifyInclusion } from './verify-inclusion.js';

export interface VerifiedTlogProof {
  readonly index: number;
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
  /** Unauthenticated: the proof does not cover it. */
  readonly extra: Uint8Array | undefined;
}

/**
 * Verifies a C2SP tlog-proof for the entry with `leafHash` (RFC 9162 §2.1.1 leaf hash):
 * 1. parse the proof (C2SP tlog-proof "Format");
 * 2. verify the checkpoint's signature and origin (see openCheckpoint);
 * 3. verify the inclusion proof against the checkpoint's tree (RFC 9162 §2.1.3.2).
 */
export function verifyTlogProof(
  message: string | Uint8Array,
  expected: { readonly leafHash: Uint8Array; readonly log: LogIdentity },
): VerifiedTlogProof {
  const proof = parseTlogProof(message);
  const { checkpoint, note } = openCheckpoint(proof.checkpoint, expected.log);
  verifyInclusion({
    leafHash: expected.leafHash,
    index: proof.index,
    treeSize: checkpoint.size,
    proof: proof.hashes,
    rootHash: checkpoint.rootHash,
  });
  return { index: proof.index, checkpoint, note, extra: proof.extra };
}
