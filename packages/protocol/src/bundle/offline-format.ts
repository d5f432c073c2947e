/**
 * The offline bundle (docs/protocol/offline-bundle.md): one strict ustar archive carrying a patch
 * bundle together with everything an air-gapped endpoint needs to verify it as an online agent
 * would. Names, order and the size limit of every member are fixed here.
 */
import { LIMITS } from '@patchcast/core';
import { DEFAULT_BUNDLE_LIMITS } from './limits.js';

export const OFFLINE_FORMAT = 'patchcast-offline/v1';

export const OFFLINE_NAMES = {
  index: 'offline.json',
  timestamp: 'metadata/timestamp.json',
  target: 'target/bundle.tar',
  publication: 'log/publication.json',
  leafHashes: 'log/leaf-hashes',
} as const;

/** `metadata/<version>.<role>.json`, the name the repository serves it under (§5.3.2, §5.5.1). */
export const VERSIONED_METADATA = /^metadata\/([1-9][0-9]{0,9})\.([a-z0-9][a-z0-9-]{0,62})\.json$/;

export const OFFLINE_LIMITS = Object.freeze({
  indexBytes: 4096,
  rootBytes: LIMITS.rootBytes,
  /** Root versions 1 to N: the first root and every rotation a client may have to walk. */
  maxRoots: LIMITS.maxRootRotations + 1,
  timestampBytes: LIMITS.timestampBytes,
  snapshotBytes: LIMITS.snapshotBytes,
  targetsBytes: LIMITS.targetsBytes,
  /** Delegated targets roles on the target's path (Patchcast delegates one level deep). */
  maxDelegated: 32,
  targetBytes: DEFAULT_BUNDLE_LIMITS.maxBundleBytes,
  publicationBytes: 512 * 1024,
  /** 32 bytes per log entry: 2 097 152 entries. */
  leafHashBytes: 64 * 1024 * 1024,
});

/** Largest offline bundle file accepted before a byte of it is read. */
export const MAX_OFFLINE_BYTES =
  OFFLINE_LIMITS.targetBytes + OFFLINE_LIMITS.leafHashBytes + 256 * 1024 * 1024;

export interface VersionedMetadata {
  readonly version: number;
  readonly bytes: Uint8Array;
}

/** What `writeOfflineBundle` takes and `readOfflineBundle` gives back (metadata by file name). */
export interface OfflineBundleParts {
  readonly name: string;
  readonly version: string;
  /** Root metadata versions 1, 2, ... N in order. */
  readonly roots: readonly Uint8Array[];
  readonly timestamp: Uint8Array;
  readonly snapshot: VersionedMetadata;
  readonly targets: VersionedMetadata;
  /** Delegated targets roles, by role name. */
  readonly delegated: ReadonlyMap<string, VersionedMetadata>;
  /** The signed target file (the patch bundle) exactly as the repository serves it. */
  readonly target: Uint8Array;
  /** The log's answer to /log/proof/patch/<name>/<version> (JSON bytes, as served). */
  readonly publication: Uint8Array;
  /** The leaf hashes of the log tree the publication's checkpoint signs, 32 bytes each. */
  readonly leafHashes: Uint8Array;
}
