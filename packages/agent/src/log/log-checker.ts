import { PatchcastError, SecurityError } from '@patchcast/core/base';
import {
  followKeyChain,
  identityAt,
  openChainedCheckpoint,
  parseCheckpoint,
  parseNote,
  parseTlogProof,
  parseVerifierKey,
  requireCosignatures,
  updateKeyChain,
} from '@patchcast/core/tlog';
import type {
  Checkpoint,
  LogKeyChain,
  VerifiedTlogProof,
  WitnessPolicy,
} from '@patchcast/core/tlog';
import type { TargetFile } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol/agent';
import type { PatchRef } from '@patchcast/protocol';
import type { LogOps } from './log-ops.js';
import {
  logCheckpointFile,
  logKeyFile,
  readText,
  readTransitions,
  saveCheckpoint,
  saveTransitions,
} from './log-trust-store.js';
import { pinLogKey } from './pin-log-key.js';

export interface LogCheckerDeps {
  readonly dataDir: string;
  readonly ops: LogOps;
  /** A verifier key given out of band (`--log-key`). */
  readonly logKey?: string | undefined;
  readonly log: (line: string) => void;
  /** `--witness` keys and `--witness-threshold`: cosignatures every checkpoint must carry. */
  readonly witnesses?: WitnessPolicy | undefined;
}

interface Stored {
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

/**
 * Checks each patch against the transparency log before it is installed (docs/protocol/log.md
 * "What the agent verifies") and keeps the newest checkpoint it verified. Every failure is a
 * SecurityError: the patch is refused, never retried.
 */
export class LogChecker {
  readonly #deps: LogCheckerDeps;
  /** The pinned key and the key transitions followed from it (ADR 0028). */
  #chain: LogKeyChain | undefined;
  #stored: Stored | undefined;

  constructor(deps: LogCheckerDeps) {
    this.#deps = deps;
  }

  /** Loads the pinned key (pinning `--log-key` if given) and the stored checkpoint. */
  async load(): Promise<void> {
    const { dataDir, logKey } = this.#deps;
    const pinned = await readText(logKeyFile(dataDir));
    if (pinned !== undefined || logKey !== undefined) this.#chain = await this.#pin();
    const note = await readText(logCheckpointFile(dataDir));
    if (note === undefined) return;
    if (this.#chain === undefined) {
      throw new PatchcastError('CONFIG_INVALID', `${logCheckpointFile(dataDir)} without a log key`);
    }
    this.#stored = { note, checkpoint: openChainedCheckpoint(note, this.#chain).checkpoint };
  }

  /** The newest verified checkpoint note, sent in every hello for split-view detection. */
  get checkpointNote(): string | undefined {
    return this.#stored?.note;
  }

  /** Steps 1 to 4; `target` comes from TUF-verified targets metadata. */
  async checkPublication(ref: PatchRef, target: TargetFile): Promise<void> {
    this.#chain ??= await this.#pin();
    const publication = await this.#deps.ops.publication(ref);
    if (publication === null) {
      throw new SecurityError(
        'SECURITY_PROOF_INVALID',
        `the transparency log has no publication of ${formatPatchRef(ref)}`,
        { hint: 'a patch that is not in the log is never installed; report it' },
      );
    }
    const { verifyPublication } = await import('./verify-publication.js');
    const verified = await this.#verifyAcrossRotations(() =>
      verifyPublication({ ref, target, publication, log: this.#identityFor(publication.proof) }),
    );
    const { witnesses } = this.#deps;
    if (witnesses !== undefined) {
      requireCosignatures(verified.note.text, verified.note.unverified, witnesses);
    }
    await this.#advance(verified.checkpoint, parseTlogProof(publication.proof).checkpoint);
  }

  /** Step 4: consistency with the stored checkpoint in whichever order; never go backwards. */
  async #advance(next: Checkpoint, note: string): Promise<void> {
    const { ops, dataDir } = this.#deps;
    const { checkExtends } = await import('./verify-publication.js');
    const stored = this.#stored?.checkpoint;
    if (stored !== undefined && next.size < stored.size) {
      checkExtends(next, stored, await ops.consistency(next.size, stored.size));
      return;
    }
    if (stored !== undefined) {
      const proof = next.size === stored.size ? [] : await ops.consistency(stored.size, next.size);
      checkExtends(stored, next, proof);
      if (next.size === stored.size) return;
    }
    await saveCheckpoint(dataDir, note);
    this.#stored = { note, checkpoint: next };
  }

  /** The keys that may sign the proof's checkpoint, by its size (ADR 0028). */
  #identityFor(proof: string) {
    const size = parseCheckpoint(parseNote(parseTlogProof(proof).checkpoint).text).size;
    return identityAt(this.#chain as LogKeyChain, size);
  }

  /**
   * A checkpoint signed by a key the agent does not know yet: the log may have rotated its key.
   * The agent follows the server's transitions from its pinned key (each signed by the key in
   * force and the next), keeps each transition checkpoint consistent with what it stored, and
   * tries once more; a forged transition is SECURITY_KEY_ROTATION_INVALID.
   */
  async #verifyAcrossRotations(verify: () => VerifiedTlogProof): Promise<VerifiedTlogProof> {
    try {
      return verify();
    } catch (error) {
      const fetch = this.#deps.ops.keyTransitions?.bind(this.#deps.ops);
      if (!(error instanceof SecurityError) || error.code !== 'SECURITY_SIGNATURE_INVALID') {
        throw error;
      }
      if (fetch === undefined) throw error;
      const chain = this.#chain as LogKeyChain;
      const updated = updateKeyChain(chain, await fetch());
      if (updated.transitions.length === chain.transitions.length) throw error;
      for (const note of updated.transitions.slice(chain.transitions.length)) {
        await this.#advance(openChainedCheckpoint(note, updated).checkpoint, note);
      }
      this.#chain = updated;
      await saveTransitions(this.#deps.dataDir, updated.transitions);
      return verify();
    }
  }

  /** The pinned key (pinning one first if there is none) and the transitions stored after it. */
  async #pin(): Promise<LogKeyChain> {
    const { dataDir, ops, logKey, log } = this.#deps;
    await pinLogKey(dataDir, { ops, given: logKey, log });
    const pinned = parseVerifierKey((await readText(logKeyFile(dataDir)))?.trim() ?? '');
    return followKeyChain(pinned, await readTransitions(dataDir));
  }
}
