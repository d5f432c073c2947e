/**
 * The packages of an inventory as matching sees them: one target per distinct (ecosystem,
 * package, version). Debian binaries are grouped under their source package, since Debian
 * advisories name source packages and one fixed source version closes all its binaries.
 */
import type {
  DpkgEntry,
  InventoryView,
  NpmEntry,
  OsIdentity,
  PypiEntry,
} from './inventory-view.js';
import { normalizePackageName } from './osv-ecosystem.js';
import type { MatchEcosystem } from './osv-ecosystem.js';

export interface MatchTarget {
  readonly ecosystem: MatchEcosystem;
  /** For Debian: the release advisories must name ('12'), from os-release. */
  readonly release: string | undefined;
  /** Normalised as the ecosystem requires (PEP 503 for PyPI). */
  readonly name: string;
  readonly version: string;
  /** What is installed: 'libssl3:amd64 3.0.11-1~deb12u2', or lockfile paths. */
  readonly origins: readonly string[];
}

export interface TargetSet {
  readonly targets: readonly MatchTarget[];
  /** Packages that could not be matched, and why (e.g. dpkg packages on a non-Debian OS). */
  readonly notes: readonly string[];
}

type Group = {
  -readonly [K in keyof MatchTarget]: K extends 'origins' ? string[] : MatchTarget[K];
};

function addTo(
  groups: Map<string, Group>,
  target: Omit<MatchTarget, 'origins'>,
  origin: string,
): void {
  const key = `${target.name}\u0000${target.version}`;
  const group = groups.get(key) ?? { ...target, origins: [] };
  group.origins.push(origin);
  groups.set(key, group);
}

function debianTargets(dpkg: readonly DpkgEntry[], release: string | undefined): MatchTarget[] {
  const groups = new Map<string, Group>();
  for (const p of dpkg) {
    const target = {
      ecosystem: 'Debian',
      release,
      name: p.source,
      version: p.sourceVersion,
    } as const;
    addTo(groups, target, `${p.name}:${p.architecture} ${p.version}`);
  }
  return [...groups.values()];
}

function languageTargets(
  ecosystem: 'npm' | 'PyPI',
  entries: readonly (NpmEntry | PypiEntry)[],
): MatchTarget[] {
  const groups = new Map<string, Group>();
  for (const p of entries) {
    const name = normalizePackageName(ecosystem, p.name);
    addTo(groups, { ecosystem, release: undefined, name, version: p.version }, p.path);
  }
  return [...groups.values()];
}

function debianNote(inventory: InventoryView): string | undefined {
  if (inventory.dpkg.length === 0 || inventory.os?.id === 'debian') return undefined;
  const os = inventory.os === null ? 'unknown (no os-release)' : JSON.stringify(inventory.os.id);
  return `${inventory.dpkg.length} dpkg packages were not matched: the OS is ${os}, and only Debian advisories are supported`;
}

/** The release Debian advisories must name for this OS ('12'), as os-release gives it. */
export function debianReleaseOf(os: OsIdentity): string | undefined {
  return os.versionId ?? os.versionCodename;
}

export function targetsOf(inventory: InventoryView): TargetSet {
  const os = inventory.os;
  const debian = os?.id === 'debian' ? debianTargets(inventory.dpkg, debianReleaseOf(os)) : [];
  const note = debianNote(inventory);
  return {
    targets: [
      ...debian,
      ...languageTargets('npm', inventory.npm),
      ...languageTargets('PyPI', inventory.pypi ?? []),
    ],
    notes: note === undefined ? [] : [note],
  };
}
