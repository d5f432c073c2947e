import { SecurityError } from '../errors.js';
import type { CosignatureVerifier } from './cosignature.js';
import { formatKeyId } from './note-key-id.js';
import type { NoteSignature } from './signed-note.js';
import { signatureInvalid } from './tlog-errors.js';

/** Which witnesses a client trusts, and how many of them must cosign a checkpoint. */
export interface WitnessPolicy {
  readonly witnesses: readonly CosignatureVerifier[];
  readonly threshold: number;
}

export interface Cosigned {
  readonly name: string;
  readonly keyId: number;
  /** When the witness cosigned (POSIX seconds). */
  readonly timestamp: number;
}

/**
 * C2SP tlog-cosignature "Format": the valid cosignatures of `text` by trusted witnesses among
 * `signatures` (a note's signatures that are not the log's).
 * 1. Lines whose name and key ID match no trusted witness are ignored.
 * 2. A line that matches a trusted witness but does not verify rejects the note (C2SP signed-note).
 * 3. A witness counts once however many lines it has.
 */
export function verifyCosignatures(
  text: string,
  signatures: readonly NoteSignature[],
  witnesses: readonly CosignatureVerifier[],
): Cosigned[] {
  const found = new Map<string, Cosigned>();
  for (const sig of signatures) {
    const witness = witnesses.find((w) => w.name === sig.name && w.keyId === sig.keyId);
    if (witness === undefined) continue;
    const timestamp = witness.verify(text, sig);
    const id = `${sig.name}+${formatKeyId(sig.keyId)}`;
    if (timestamp === undefined) {
      throw signatureInvalid(`the cosignature of trusted witness ${id} does not verify`);
    }
    if (!found.has(id)) found.set(id, { name: sig.name, keyId: sig.keyId, timestamp });
  }
  return [...found.values()];
}

/** Throws SECURITY_WITNESS_MISSING unless `threshold` trusted witnesses cosigned `text`. */
export function requireCosignatures(
  text: string,
  signatures: readonly NoteSignature[],
  policy: WitnessPolicy,
): Cosigned[] {
  const cosigned = verifyCosignatures(text, signatures, policy.witnesses);
  if (cosigned.length < policy.threshold) {
    throw new SecurityError(
      'SECURITY_WITNESS_MISSING',
      `the log checkpoint has ${cosigned.length} of the ${policy.threshold} witness cosignatures required`,
      {
        hint: 'a witness is down or refused the checkpoint (a forked log?): check the witnesses and the server log; do not lower the threshold to get past it',
      },
    );
  }
  return cosigned;
}
