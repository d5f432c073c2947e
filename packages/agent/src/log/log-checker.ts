import {
  PatchcastError,
  SecurityError,
  openCheckpoint,
  parseTlogProof,
  requireCosignatures,
} from '@patchcast/core';
import type { Checkpoint, LogIdentity, TargetFile, WitnessPolicy } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import type { LogOps } from './log-ops.js';
import { logCheckpointFile, logKeyFile, readText, saveCheckpoint } from './log-trust-store.js';
import { pinLogKey } from './pin-log-key.js';
import { checkExtends, verifyPublication } from './verify-publication.js';

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
  #identity: LogIdentity | undefined;
  #stored: Stored | undefined;

  constructor(deps: LogCheckerDeps) {
    this.#deps = deps;
  }

  /** Loads the pinned key (pinning `--log-key` if given) and the stored checkpoint. */
  async load(): Promise<void> {
    const { dataDir, logKey } = this.#deps;
    const pinned = await readText(logKeyFile(dataDir));
    if (pinned !== undefined || logKey !== undefined) this.#identity = await this.#pin();
    const note = await readText(logCheckpointFile(dataDir));
    if (note === undefined) return;
    if (this.#identity === undefined) {
      throw new PatchcastError('CONFIG_INVALID', `${logCheckpointFile(dataDir)} without a log key`);
    }
    this.#stored = { note, checkpoint: openCheckpoint(note, this.#identity).checkpoint };
  }

  /** The newest verified checkpoint note, sent in every hello for split-view detection. */
  get checkpointNote(): string | undefined {
    return this.#stored?.note;
  }

  /** Steps 1 to 4; `target` comes from TUF-verified targets metadata. */
  async checkPublication(ref: PatchRef, target: TargetFile): Promise<void> {
    this.#identity ??= await this.#pin();
    const publication = await this.#deps.ops.publication(ref);
    if (publication === null) {
      throw new SecurityError(
        'SECURITY_PROOF_INVALID',
        `the transparency log has no publication of ${formatPatchRef(ref)}`,
        { hint: 'a patch that is not in the log is never installed; report it' },
      );
    }
    const verified = verifyPublication({ ref, target, publication, log: this.#identity });
    const { witnesses } = this.#deps;
    if (witnesses !== undefined) {
      requireCosignatures(verified.note.text, verified.note.unverified, witnesses);
    }
    await this.#advance(verified.checkpoint, parseTlogProof(publication.proof).checkpoint);
  }

  /** Step 4: consistency with the stored checkpoint in whichever order; never go backwards. */
  async #advance(next: Checkpoint, note: string): Promise<void> {
    const { ops, dataDir } = this.#deps;
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

  #pin(): Promise<LogIdentity> {
    const { dataDir, ops, logKey, log } = this.#deps;
    return pinLogKey(dataDir, { ops, given: logKey, log });
  }
}
