export { HASH_SIZE, emptyRoot, leafHash, nodeHash } from './hash.js';
export { rangeHash, rangeNodes } from './node-reader.js';
export type { LeafRange, NodeId, NodeReader } from './node-reader.js';
export { consistencyProofRanges, inclusionProofRanges, nodesForRanges } from './proof-plan.js';
export { makeConsistencyProof, makeInclusionProof, treeRoot } from './make-proof.js';
export { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';
export type { InclusionCheck, InclusionClaim } from './verify-inclusion.js';
export { verifyConsistency } from './verify-consistency.js';
export type { ConsistencyCheck } from './verify-consistency.js';
export { MerkleTree } from './merkle-tree.js';
export { CompactRange, merkleRoot } from './compact-range.js';
export { consistencyProof, inclusionProof } from './leaf-list-proofs.js';
export { NOTE_ALG_ED25519, isValidKeyName, noteKeyId } from './note-key-id.js';
export { ed25519NoteVerifier, formatVerifierKey, parseVerifierKey } from './note-verifier.js';
export type { Ed25519NoteVerifier, NoteVerifier } from './note-verifier.js';
export {
  ed25519NoteSigner,
  formatSignerKey,
  generateNoteKeys,
  parseSignerKey,
} from './note-signer.js';
export type { Ed25519NoteSigner, NoteKeyStrings, NoteSigner } from './note-signer.js';
export { NOTE_MAX_BYTES, NOTE_MAX_SIGNATURES, formatNote, parseNote } from './signed-note.js';
export type { Note, NoteSignature } from './signed-note.js';
export { openNote, signNote } from './open-note.js';
export type { OpenedNote } from './open-note.js';
export { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
export { openCheckpoint, signCheckpoint } from './open-checkpoint.js';
export type { LogIdentity, VerifiedCheckpoint } from './open-checkpoint.js';
export {
  MAX_TILE_LEVEL,
  TILE_HEIGHT,
  TILE_WIDTH,
  entryBundlePath,
  parseTilePath,
  tilePath,
} from './tile-path.js';
export type { EntryBundleId, TileId, TileRef } from './tile-path.js';
export {
  decodeTile,
  encodeTile,
  tileHashes,
  tileWidth,
  tilesForGrowth,
  tilesForTreeSize,
} from './tiles.js';
export { tileNodeReader, tileSpan, tilesForNodes } from './tile-reader.js';
export type { TileSource, TileSpan } from './tile-reader.js';
export { MAX_ENTRY_SIZE, encodeEntryBundle, parseEntryBundle } from './entry-bundle.js';
export { TLOG_PROOF_HEADER, formatTlogProof, parseTlogProof } from './tlog-proof.js';
export type { TlogProof } from './tlog-proof.js';
export { verifyTlogProof } from './verify-tlog-proof.js';
export type { VerifiedTlogProof } from './verify-tlog-proof.js';
export {
  NOTE_ALG_COSIGNATURE_V1,
  cosignatureTimestamp,
  cosignedMessage,
  ed25519CosignatureVerifier,
  ed25519Cosigner,
  generateCosignerKeys,
  parseCosignatureVerifierKey,
  parseCosignerKey,
} from './cosignature.js';
export type { Cosigner, CosignatureVerifier } from './cosignature.js';
export { requireCosignatures, verifyCosignatures } from './witness-quorum.js';
export type { Cosigned, WitnessPolicy } from './witness-quorum.js';
export {
  MAX_ADD_CHECKPOINT_BYTES,
  MAX_WITNESS_PROOF,
  addSignatures,
  formatAddCheckpoint,
  formatCosignatureLines,
  parseAddCheckpoint,
  parseCosignatureLines,
} from './witness-request.js';
export type { AddCheckpoint } from './witness-request.js';
export {
  KEY_TRANSITION_EXTENSION,
  announcedTransition,
  extendKeyChain,
  followKeyChain,
  identityAt,
  keyInForce,
  keyTransitionLine,
  keysAt,
  openChainedCheckpoint,
  rotationInvalid,
  singleKeyChain,
  updateKeyChain,
  verifyKeyTransition,
} from './key-chain.js';
export type { ChainKey, KeyTransition, LogKeyChain } from './key-chain.js';
