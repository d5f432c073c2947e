export { VERSION_ECOSYSTEMS, resolveEcosystem } from './ecosystems.js';
export type { VersionEcosystem } from './ecosystems.js';
export { MAX_VERSION_LENGTH } from './invalid-version.js';
export { compareParsedVersions, compareVersions, isValidVersion, parseVersion } from './compare.js';
export type { ParsedVersion } from './compare.js';
export type { DebianVersion } from './debian.js';
export type { SemVerVersion } from './semver.js';
export type { Pep440Version, PreReleaseLabel } from './pep440.js';
export { comparePatchVersions } from './patch-order.js';
