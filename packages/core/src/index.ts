// The base (errors, canonical JSON, bytes, Ed25519 device keys, label syntax): see base.ts.
export * from './base.js';
export { ERROR_CATALOG } from './error-catalog/index.js';
export type { ErrorEntry } from './error-catalog/index.js';
export * from './keys.js';
export {
  PQ_ROLE_FIELD,
  SPEC_VERSION,
  TOP_LEVEL_ROLES,
  parseEnvelope,
  parseTargetFile,
} from './tuf/metadata.js';
export type {
  DelegatedRole,
  Delegations,
  Envelope,
  KeyThreshold,
  MetaFile,
  ParsedEnvelope,
  RoleKeys,
  RoleName,
  Root,
  Signature,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from './tuf/metadata.js';
export {
  asSignedBytes,
  countValidPqSignatures,
  countValidSignatures,
  formatExpires,
  serializeEnvelope,
  signEnvelope,
  verifyDelegatedThreshold,
  verifyThreshold,
} from './tuf/signing.js';
export type { SignedBytes } from './tuf/signing.js';
export { TrustedMetadata, declaresPostQuantum } from './tuf/trusted-metadata.js';
export type { TrustOptions } from './tuf/trusted-metadata.js';
export { LIMITS, Updater, consistentTargetPath, verifyTarget } from './tuf/updater.js';
export type { LocalRole, RepositoryOps, TrustedStoreOps, UpdaterDeps } from './tuf/updater.js';
export {
  buildRoot,
  buildSnapshot,
  buildTargets,
  buildTimestamp,
  withDelegatedRole,
} from './tuf/builders.js';
export { isDelegatedPath, parseDelegations, pathPatternsOverlap } from './tuf/delegations.js';
export { MAX_DELEGATIONS, searchTarget } from './tuf/delegation-walk.js';
export {
  DELEGATED_ROLE_NAME,
  checkDelegatedRoleName,
  checkDelegations,
} from './tuf/delegation-policy.js';
export type { Found, LoadDelegated } from './tuf/delegation-walk.js';
export type { RoleKeySet } from './tuf/builders.js';
export {
  checkNoPqDowngrade,
  checkRootSuccessor,
  checkRootUsable,
  draftNextRoot,
  keyIdsOf,
  roleKeySetOf,
  rootSignatureStatus,
  rootSigningKeyIds,
  signRootDraft,
} from './tuf/root-ceremony.js';
export type { RootSignatureStatus, ThresholdCount } from './tuf/root-ceremony.js';
export * from './tlog/index.js';
export * from './versions/index.js';
export * from './rollout/index.js';
export * from './vulns/index.js';
