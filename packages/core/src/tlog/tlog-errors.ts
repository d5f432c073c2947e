import type { ErrorCode } from '../errors.js';
import { PatchcastError, SecurityError } from '../errors.js';

type SecurityCode = ErrorCode & `SECURITY_${string}`;

/** The codes this module raises. */
const CODES = {
  proof: 'SECURITY_PROOF_INVALID',
  checkpoint: 'SECURITY_CHECKPOINT_INVALID',
  signature: 'SECURITY_SIGNATURE_INVALID',
  malformed: 'SECURITY_METADATA_MALFORMED',
} as const satisfies Record<string, SecurityCode>;

/** A Merkle inclusion or consistency proof does not verify. */
export function proofInvalid(message: string): SecurityError {
  return new SecurityError(CODES.proof, message, {
    hint: 'The log may be lying or split; do not trust the entry or checkpoint, and report it.',
  });
}

/** A verified checkpoint is not acceptable (for example it names another log). */
export function checkpointInvalid(message: string): SecurityError {
  return new SecurityError(CODES.checkpoint, message, {
    hint: 'Check the configured log origin and key; otherwise report it.',
  });
}

/** A signed note lacks a valid signature from a trusted key. */
export function signatureInvalid(message: string): SecurityError {
  return new SecurityError(CODES.signature, message, {
    hint: 'Check the configured log verifier key; otherwise report it.',
  });
}

/** Untrusted log data (note, checkpoint, proof, tile, bundle) could not be parsed. */
export function malformed(message: string): SecurityError {
  return new SecurityError(CODES.malformed, message);
}

/** A caller passed arguments that cannot describe any tree (a programming or usage error). */
export function invalidArgument(message: string): PatchcastError {
  return new PatchcastError('INVALID_INPUT', message);
}

/** Trusted configuration (a key string) is unusable. */
export function invalidKey(message: string): PatchcastError {
  return new PatchcastError('KEY_INVALID', message);
}
