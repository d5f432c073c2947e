/**
 * OSV ecosystem strings ("affected[].package.ecosystem"): a name, optionally followed by
 * ':<suffix>' (for Debian the release, e.g. 'Debian:12'; for AlmaLinux and Rocky Linux the
 * major release, 'AlmaLinux:9'; for Red Hat a product stream,
 * 'Red Hat:enterprise_linux:9::appstream'). Matching supports a closed set.
 */
import { RPM_ECOSYSTEMS, VERSION_ECOSYSTEMS } from '../versions/index.js';
import type { RpmEcosystem, VersionEcosystem } from '../versions/index.js';
import type { OsvRangeType } from './osv-record.js';

/** The ecosystems whose advisories Patchcast evaluates against an inventory. */
export const MATCH_ECOSYSTEMS = ['Debian', 'npm', 'PyPI', ...RPM_ECOSYSTEMS] as const;
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

export function isRpmEcosystem(name: string): name is RpmEcosystem {
  return (RPM_ECOSYSTEMS as readonly string[]).includes(name);
}

/**
 * The supported ecosystem an OSV ecosystem string names, or undefined. Debian and the RPM
 * ecosystems take a suffix (their release); 'npm:x' or 'PyPI:x' name no ecosystem OSV defines.
 */
export function matchEcosystemOf(ecosystem: string): MatchEcosystem | undefined {
  const { base, suffix } = splitEcosystem(ecosystem);
  if (base === 'Debian' || isRpmEcosystem(base)) return suffix === '' ? undefined : base;
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

/**
 * The release an advisory entry is scoped to, or undefined for every release. Debian,
 * AlmaLinux and Rocky Linux name it ('12', '9'). Red Hat names a product stream
 * 'enterprise_linux:9::appstream': the release is '9' for the main enterprise_linux streams;
 * other products (EUS, AUS, SAP, ...) keep 'product:version', which no host's os-release names.
 */
export function releaseOf(
  ecosystem: MatchEcosystem,
  suffix: string | undefined,
): string | undefined {
  if (suffix === undefined || (ecosystem !== 'Debian' && !isRpmEcosystem(ecosystem))) {
    return undefined;
  }
  if (ecosystem !== 'Red Hat') return suffix;
  const [product = '', version = ''] = suffix.split(':');
  return product === 'enterprise_linux' ? version : `${product}:${version}`;
}
