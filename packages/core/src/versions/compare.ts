/** Parsing and ordering of versions, dispatched on the OSV ecosystem. */
import { PatchcastError } from '../errors.js';
import { compareDebian, parseDebian } from './debian.js';
import type { DebianVersion } from './debian.js';
import { resolveEcosystem } from './ecosystems.js';
import type { VersionEcosystem } from './ecosystems.js';
import { comparePep440, parsePep440 } from './pep440.js';
import type { Pep440Version } from './pep440.js';
import { compareRpm, parseRpm } from './rpm.js';
import type { RpmVersion } from './rpm.js';
import { compareSemVer, parseSemVer } from './semver.js';
import type { SemVerVersion } from './semver.js';

export type ParsedVersion = DebianVersion | SemVerVersion | Pep440Version | RpmVersion;

const PARSERS: { readonly [E in VersionEcosystem]: (version: string) => ParsedVersion } = {
  Debian: parseDebian,
  npm: (version) => parseSemVer(version, 'npm'),
  PyPI: parsePep440,
  SemVer: (version) => parseSemVer(version, 'SemVer'),
  'Red Hat': (version) => parseRpm(version, 'Red Hat'),
  AlmaLinux: (version) => parseRpm(version, 'AlmaLinux'),
  'Rocky Linux': (version) => parseRpm(version, 'Rocky Linux'),
};

/** Parses a version of the given OSV ecosystem; malformed input throws INVALID_INPUT. */
export function parseVersion(ecosystem: string, version: string): ParsedVersion {
  return PARSERS[resolveEcosystem(ecosystem)](version);
}

/** True when the version is well formed; an unknown ecosystem still throws INVALID_INPUT. */
export function isValidVersion(ecosystem: string, version: string): boolean {
  const parse = PARSERS[resolveEcosystem(ecosystem)];
  try {
    parse(version);
    return true;
  } catch (error) {
    if (error instanceof PatchcastError && error.code === 'INVALID_INPUT') return false;
    throw error;
  }
}

/** Orders two parsed versions of the same scheme: negative, zero or positive. */
export function compareParsedVersions(a: ParsedVersion, b: ParsedVersion): number {
  if (a.kind === 'debian' && b.kind === 'debian') return compareDebian(a, b);
  if (a.kind === 'semver' && b.kind === 'semver') return compareSemVer(a, b);
  if (a.kind === 'pep440' && b.kind === 'pep440') return comparePep440(a, b);
  if (a.kind === 'rpm' && b.kind === 'rpm') return compareRpm(a, b);
  throw new PatchcastError(
    'INVALID_INPUT',
    `Cannot order a ${a.kind} version against a ${b.kind} version.`,
    { hint: 'Parse both versions with the same ecosystem.' },
  );
}

/** Orders two versions of the given OSV ecosystem: negative, zero or positive. */
export function compareVersions(ecosystem: string, a: string, b: string): number {
  const parse = PARSERS[resolveEcosystem(ecosystem)];
  return compareParsedVersions(parse(a), parse(b));
}
