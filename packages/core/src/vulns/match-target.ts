/**
 * The packages of an inventory as matching sees them: one target per distinct (ecosystem,
 * package, version). Debian binaries are grouped under their source package, since Debian
 * advisories name source packages and one fixed source version closes all its binaries. RPM
 * packages are matched by binary name and EVR, as Red Hat, AlmaLinux and Rocky Linux
 * advisories name binary packages; the OS (os-release ID) selects the ecosystem.
 */
import type {
  DpkgEntry,
  InventoryView,
  NpmEntry,
  OsIdentity,
  PypiEntry,
  RpmEntry,
} from './inventory-view.js';
import { normalizePackageName } from './osv-ecosystem.js';
import type { MatchEcosystem } from './osv-ecosystem.js';
import type { RpmEcosystem } from '../versions/index.js';

export interface MatchTarget {
  readonly ecosystem: MatchEcosystem;
  /** For Debian and RPM ecosystems: the release advisories must name ('12', '9'). */
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

/** os-release IDs of the RPM-based systems whose advisories Patchcast matches. */
const RPM_OS: Readonly<Record<string, RpmEcosystem>> = {
  rhel: 'Red Hat',
  almalinux: 'AlmaLinux',
  rocky: 'Rocky Linux',
};

/** The RPM ecosystem of an os-release ID, or undefined (Fedora, CentOS, openSUSE, ...). */
export function rpmEcosystemOf(os: OsIdentity | null): RpmEcosystem | undefined {
  return os === null ? undefined : RPM_OS[os.id];
}

/** The major release RPM advisories name ('9' for VERSION_ID '9.3'). */
export function rpmReleaseOf(os: OsIdentity): string | undefined {
  return os.versionId?.split('.', 1)[0];
}

/** rpm's EVR: [epoch:]version-release. */
export function rpmEvr(p: RpmEntry): string {
  const vr = `${p.version}-${p.release}`;
  return p.epoch === undefined ? vr : `${p.epoch}:${vr}`;
}

function rpmTargets(rpm: readonly RpmEntry[], os: OsIdentity | null): MatchTarget[] {
  const ecosystem = rpmEcosystemOf(os);
  if (ecosystem === undefined || os === null) return [];
  const release = rpmReleaseOf(os);
  const groups = new Map<string, Group>();
  for (const p of rpm) {
    const target = { ecosystem, release, name: p.name, version: rpmEvr(p) };
    addTo(groups, target, `${p.name}-${rpmEvr(p)}.${p.arch}`);
  }
  return [...groups.values()];
}

function rpmNote(inventory: InventoryView): string | undefined {
  const count = inventory.rpm?.length ?? 0;
  if (count === 0 || rpmEcosystemOf(inventory.os) !== undefined) return undefined;
  const os = inventory.os === null ? 'unknown (no os-release)' : JSON.stringify(inventory.os.id);
  return `${count} rpm packages were not matched: the OS is ${os}, and only Red Hat (rhel), AlmaLinux and Rocky Linux advisories are supported`;
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
  const notes = [debianNote(inventory), rpmNote(inventory)];
  return {
    targets: [
      ...debian,
      ...rpmTargets(inventory.rpm ?? [], os),
      ...languageTargets('npm', inventory.npm),
      ...languageTargets('PyPI', inventory.pypi ?? []),
    ],
    notes: notes.filter((n): n is string => n !== undefined),
  };
}
