export {
  BUNDLE_FORMAT,
  INSTALLER_KINDS,
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
