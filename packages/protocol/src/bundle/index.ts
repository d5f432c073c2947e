export {
  BUNDLE_FORMAT,
  INSTALLER_KINDS,
  AGENT_PATCH_NAME,
  AGENT_EXE_FILE,
  isValidPatchName,
  isValidPatchVersion,
} from './manifest.js';
export type {
  BundleFileEntry,
  BundleFix,
  BundleHooks,
  BundleManifest,
  BundleCommand,
  BundleInstaller,
  BundleProbe,
  BundleProbes,
  BundleSymlinkEntry,
  InstallerKind,
} from './manifest.js';
export { DEFAULT_BUNDLE_LIMITS } from './limits.js';
export type { BundleLimits } from './limits.js';
export { validateRelativePath } from './paths.js';
export { buildBundle, buildManifest } from './build.js';
export type { BundleFileInput, BundleInput } from './build.js';
export { readBundle } from './read.js';
export type { ParsedBundle } from './read.js';
export {
  MAX_OFFLINE_BYTES,
  OFFLINE_FORMAT,
  OFFLINE_LIMITS,
  OFFLINE_NAMES,
} from './offline-format.js';
export type { OfflineBundleParts, VersionedMetadata } from './offline-format.js';
export { writeOfflineBundle } from './offline-write.js';
export { readOfflineBundle } from './offline-read.js';
export type { OfflineBundle } from './offline-read.js';
