import {
  SecurityError,
  openCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  verifyConsistency,
} from '@patchcast/core';
import type { Checkpoint, Ed25519NoteSigner, LogIdentity, MerkleTree } from '@patchcast/core';

/**
 * Signs the checkpoints (C2SP tlog-checkpoint) of one log, and never two inconsistent ones:
 * before signing, it verifies an RFC 9162 §2.1.4 consistency proof, made from the tree being
 * signed, against the last checkpoint it signed (at start: the last one stored).
 */
export class CheckpointSigner {
  readonly identity: LogIdentity;
  readonly verifierKey: string;
  readonly #signer: Ed25519NoteSigner;
  #last: Checkpoint | undefined;

  private constructor(signer: Ed25519NoteSigner, last: Checkpoint | undefined) {
    this.#signer = signer;
    this.verifierKey = signer.verifierKey;
    this.identity = { origin: signer.name, verifiers: [parseVerifierKey(signer.verifierKey)] };
    this.#last = last;
  }

  /**
   * Resumes after the last stored checkpoint, which must be this log's and carry this key's
   * signature (C2SP signed-note "Signatures"); otherwise SecurityError.
   */
  static resume(signer: Ed25519NoteSigner, lastNote: string | undefined): CheckpointSigner {
    const fresh = new CheckpointSigner(signer, undefined);
    if (lastNote === undefined) return fresh;
    return new CheckpointSigner(signer, openCheckpoint(lastNote, fresh.identity).checkpoint);
  }

  get last(): Checkpoint | undefined {
    return this.#last;
  }

  /** Signs the checkpoint of `tree` at its current size; refuses unless it extends the last. */
  sign(tree: MerkleTree): string {
    this.check(tree);
    const next: Checkpoint = {
      origin: this.identity.origin,
      size: tree.size,
      rootHash: tree.root(),
      extensions: [],
    };
    const note = signCheckpoint(next, [this.#signer]);
    this.#last = next;
    return note;
  }

  /** RFC 9162 §2.1.4.2: throws SecurityError unless `tree` extends the last checkpoint signed. */
  check(tree: MerkleTree): void {
    const last = this.#last;
    if (last === undefined || last.size === 0) return;
    if (tree.size < last.size) {
      throw new SecurityError(
        'SECURITY_PROOF_INVALID',
        `the log has ${tree.size} entries, fewer than the ${last.size} of its last checkpoint`,
      );
    }
    verifyConsistency({
      size1: last.size,
      root1: last.rootHash,
      size2: tree.size,
      root2: tree.root(),
      proof: tree.consistencyProof(last.size),
    });
  }
}
