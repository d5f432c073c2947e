/**
 * `@patchcast/core/base`: the part of the core a process needs before it verifies anything
 * (errors, canonical JSON, bytes, Ed25519 device keys, label syntax), without TUF, ML-DSA, the
 * log, versions, rollouts or OSV. The idle agent loads only this; the rest when a patch arrives.
 */
export {
  ERROR_CODE_LIST,
  PatchcastError,
  SecurityError,
  errorCodeOf,
  errorFromCode,
  httpStatusOf,
  isErrorCode,
  isRetryable,
} from './errors.js';
export type { ErrorCode, ErrorOptions, SecurityCode } from './errors.js';
export { canonicalize, canonicalBytes } from './canonical-json.js';
export type { JsonObject, JsonValue } from './canonical-json.js';
export { equalBytes, fromHex, isHex, randomToken, sha256Hex, toHex, utf8 } from './bytes.js';
export { KEY_ALGORITHMS, algorithmOf, isPostQuantum, keyIdOf } from './keys/tuf-key.js';
export type { KeyAlgorithm, Signer, TufKey } from './keys/tuf-key.js';
export {
  ed25519Key,
  ed25519PrivateKeyPem,
  ed25519PublicHex,
  ed25519Signer,
  ed25519Spki,
  generateEd25519,
  verifyEd25519,
} from './keys/ed25519.js';
export type { Ed25519KeyPair } from './keys/ed25519.js';
export { splitLabel } from './rollout/selector.js';
