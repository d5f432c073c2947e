/**
 * OSV ecosystem strings ("affected[].package.ecosystem"): a name, optionally followed by
 * ':<suffix>' (for Debian the release, e.g. 'Debian:12'). Matching supports a closed set.
 */
import { VERSION_ECOSYSTEMS } from '../versions/index.js';
import type { VersionEcosystem } from '../versions/index.js';
import type { OsvRangeType } from './osv-record.js';

/** The ecosystems whose advisories Patchcast evaluates against an inventory. */
export const MATCH_ECOSYSTEMS = ['Debian', 'npm', 'PyPI'] as const;
export type MatchEcosystem = (typeof MATCH_ECOSYSTEMS)[number];

export interface EcosystemName {
  /** The part before the first ':'. */
  readonly base: string;
  /** The part after it: for Debian the release ('12', 'sid'), else undefined. */
  readonly suffix: string | undefined;
}

export function splitEcosystem(ecosystem: string): EcosystemName {
  const colon = ecosystem.indexOf(':');
  if (colon < 0) return { base: ecosystem, suffix: undefined };
  return { base: ecosystem.slice(0, colon), suffix: ecosystem.slice(colon + 1) };
}

function isVersionEcosystem(name: string): name is VersionEcosystem {
  return (VERSION_ECOSYSTEMS as readonly string[]).includes(name);
}

/**
 * The supported ecosystem an OSV ecosystem string names, or undefined. Only Debian takes a
 * suffix (its release); 'npm:x' or 'PyPI:x' name no ecosystem that OSV defines.
 */
export function matchEcosystemOf(ecosystem: string): MatchEcosystem | undefined {
  const { base, suffix } = splitEcosystem(ecosystem);
  if (base === 'Debian') return suffix === '' ? undefined : 'Debian';
  if (suffix !== undefined) return undefined;
  return base === 'npm' || base === 'PyPI' ? base : undefined;
}

/**
 * The version ordering of a range ("affected[].ranges[].type"): SEMVER ranges use SemVer 2.0
 * whatever the ecosystem; ECOSYSTEM ranges the ecosystem's own ordering when Patchcast knows it.
 */
export function orderingOf(
  ecosystem: string,
  rangeType: OsvRangeType,
): VersionEcosystem | undefined {
  if (rangeType === 'SEMVER') return 'SemVer';
  if (rangeType === 'GIT') return undefined;
  return listOrderingOf(ecosystem);
}

/** The ordering used to compare entries of "affected[].versions", when known. */
export function listOrderingOf(ecosystem: string): VersionEcosystem | undefined {
  const supported = matchEcosystemOf(ecosystem);
  if (supported !== undefined) return supported;
  const { base } = splitEcosystem(ecosystem);
  return base === 'SemVer' && isVersionEcosystem(base) ? base : undefined;
}

/** PEP 503 "Normalized names": lower case, runs of '-', '_' and '.' become one '-'. */
export function normalizePackageName(ecosystem: MatchEcosystem, name: string): string {
  return ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}
