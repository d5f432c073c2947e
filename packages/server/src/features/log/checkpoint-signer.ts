import {
  SecurityError,
  extendKeyChain,
  followKeyChain,
  keyTransitionLine,
  openChainedCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  verifyConsistency,
} from '@patchcast/core';
import type {
  Checkpoint,
  Ed25519NoteSigner,
  LogIdentity,
  LogKeyChain,
  MerkleTree,
} from '@patchcast/core';

/**
 * Signs the checkpoints (C2SP tlog-checkpoint) of one log, and never two inconsistent ones:
 * before signing, it verifies an RFC 9162 §2.1.4 consistency proof, made from the tree being
 * signed, against the last checkpoint it signed (at start: the last one stored). It also carries
 * out key rotations (ADR 0028): the next checkpoint after `rotateTo` is a transition checkpoint
 * signed by both keys, and the new key signs from then on.
 */
export class CheckpointSigner {
  #signer: Ed25519NoteSigner;
  #chain: LogKeyChain;
  #next: Ed25519NoteSigner | undefined;
  #last: Checkpoint | undefined;

  private constructor(signer: Ed25519NoteSigner, chain: LogKeyChain, last?: Checkpoint) {
    this.#signer = signer;
    this.#chain = chain;
    this.#last = last;
  }

  /**
   * Resumes after the last stored checkpoint, which must carry the signature of the key in force
   * at its size (C2SP signed-note "Signatures"); `transitions` are the stored transition
   * checkpoints, which must lead to this key. Otherwise SecurityError.
   */
  static resume(
    signer: Ed25519NoteSigner,
    lastNote: string | undefined,
    transitions: readonly string[] = [],
  ): CheckpointSigner {
    const chain = followKeyChain(parseVerifierKey(signer.verifierKey), transitions);
    const inForce = chain.keys.at(-1)?.verifier.verifierKey;
    if (inForce !== signer.verifierKey) {
      throw new SecurityError(
        'SECURITY_KEY_ROTATION_INVALID',
        `the log's key transitions lead to ${inForce ?? 'no key'}, not to keys/log.key`,
      );
    }
    const last = lastNote === undefined ? undefined : openChainedCheckpoint(lastNote, chain);
    return new CheckpointSigner(signer, chain, last?.checkpoint);
  }

  /** Every key the log has signed with, each with the sizes it signed (ADR 0028). */
  get chain(): LogKeyChain {
    return this.#chain;
  }

  /** All keys of the chain, for checks that do not know a checkpoint's size in advance. */
  get identity(): LogIdentity {
    return { origin: this.#chain.origin, verifiers: this.#chain.keys.map((k) => k.verifier) };
  }

  get verifierKey(): string {
    return this.#signer.verifierKey;
  }

  get last(): Checkpoint | undefined {
    return this.#last;
  }

  /** The next checkpoint signed is the transition to `next`, a key named after the same origin. */
  rotateTo(next: Ed25519NoteSigner): void {
    this.#next = next;
  }

  /** Signs the checkpoint of `tree` at its current size; refuses unless it extends the last. */
  sign(tree: MerkleTree): string {
    this.check(tree);
    const next = this.#next;
    const checkpoint: Checkpoint = {
      origin: this.#chain.origin,
      size: tree.size,
      rootHash: tree.root(),
      extensions:
        next === undefined ? [] : [keyTransitionLine(this.#signer.verifierKey, next.verifierKey)],
    };
    const note = signCheckpoint(
      checkpoint,
      next === undefined ? [this.#signer] : [this.#signer, next],
    );
    if (next !== undefined) {
      this.#chain = extendKeyChain(this.#chain, note);
      this.#signer = next;
      this.#next = undefined;
    }
    this.#last = checkpoint;
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
