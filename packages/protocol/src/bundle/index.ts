export { BUNDLE_FORMAT, isValidPatchName, isValidPatchVersion } from './manifest.js';
export type {
  BundleFileEntry,
  BundleFix,
  BundleHooks,
  BundleManifest,
  BundleCommand,
} from './manifest.js';
export { DEFAULT_BUNDLE_LIMITS } from './limits.js';
export type { BundleLimits } from './limits.js';
export { validateRelativePath } from './paths.js';
export { buildBundle, buildManifest } from './build.js';
export type { BundleFileInput, BundleInput } from './build.js';
export { readBundle } from './read.js';
export type { ParsedBundle } from './read.js';
