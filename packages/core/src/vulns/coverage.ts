/**
 * Coverage: which ecosystems and releases the imported advisories cover, against what the fleet
 * runs. A platform that no advisory applies to (Debian 12 with only Debian:11 advisories) has no
 * findings because there is no data, not because nothing is vulnerable: operators must see it.
 */
import type { AdvisoryIndex, IndexedAffected } from './advisory-index.js';
import type { OsIdentity } from './inventory-view.js';
import { debianReleaseOf, rpmEcosystemOf, rpmReleaseOf } from './match-target.js';

/** What one device runs, as its inventory says: its OS and how many entries per collector. */
export interface FleetPlatform {
  readonly os: OsIdentity | null;
  readonly dpkg: number;
  readonly npm: number;
  /** rpm packages; absent in platforms stored before RPM inventories. */
  readonly rpm?: number | undefined;
  /** Python distributions; absent in platforms stored before Python inventories. */
  readonly pypi?: number | undefined;
}

export interface CoverageRow {
  /**
   * 'Debian:12', 'AlmaLinux:9', 'npm', 'Debian' (advisories for every release, when no device
   * runs Debian), 'Debian:unknown' (os-release names no release), or 'dpkg:<os id> <version>'
   * ('rpm:<os id> <version>') for dpkg (rpm) packages on an OS whose advisories are unsupported.
   */
  readonly ecosystem: string;
  /** Devices of the fleet that run it. */
  readonly devices: number;
  /** Advisory records that apply to it. */
  readonly advisories: number;
  /** False where matching evaluates nothing (dpkg packages on a non-Debian OS). */
  readonly matched: boolean;
}

export interface Coverage {
  /** What the fleet runs, most devices first; then advisories' ecosystems that no device runs. */
  readonly rows: readonly CoverageRow[];
  /** Affected entries per ecosystem that matching does not support, e.g. Go. */
  readonly unsupported: readonly { readonly ecosystem: string; readonly entries: number }[];
}

/** Ecosystems whose advisories are scoped to releases: their bare name holds every release. */
const RELEASED = new Set<string>(['Debian', 'Red Hat', 'AlmaLinux', 'Rocky Linux']);

function advisoryKey(entry: IndexedAffected): string {
  if (!RELEASED.has(entry.ecosystem) || entry.release === undefined) return entry.ecosystem;
  return `${entry.ecosystem}:${entry.release}`;
}

function releasedBase(key: string): string | undefined {
  const base = key.split(':', 1)[0] ?? '';
  return key.includes(':') && RELEASED.has(base) ? base : undefined;
}

function unmatchedKey(tool: string, p: FleetPlatform): string {
  return `${tool}:${[p.os?.id ?? 'unknown', p.os?.versionId].filter(Boolean).join(' ')}`;
}

/** Record ids per ecosystem key ('Debian' holds the records for every release). */
function recordsByKey(index: AdvisoryIndex): Map<string, Set<string>> {
  const byKey = new Map<string, Set<string>>();
  for (const entries of index.byPackage.values()) {
    for (const entry of entries) {
      const key = advisoryKey(entry);
      const ids = byKey.get(key) ?? new Set<string>();
      ids.add(entry.record.id);
      byKey.set(key, ids);
    }
  }
  return byKey;
}

/** The keys one device runs; dpkg on another OS is keyed 'dpkg:<os>' and matched by nothing. */
function platformKeys(p: FleetPlatform): string[] {
  const keys: string[] = [];
  if (p.dpkg > 0 && p.os?.id === 'debian')
    keys.push(`Debian:${debianReleaseOf(p.os) ?? 'unknown'}`);
  else if (p.dpkg > 0) keys.push(unmatchedKey('dpkg', p));
  const rpm = rpmEcosystemOf(p.os);
  if ((p.rpm ?? 0) > 0 && rpm !== undefined && p.os !== null)
    keys.push(`${rpm}:${rpmReleaseOf(p.os) ?? 'unknown'}`);
  else if ((p.rpm ?? 0) > 0) keys.push(unmatchedKey('rpm', p));
  if (p.npm > 0) keys.push('npm');
  if ((p.pypi ?? 0) > 0) keys.push('PyPI');
  return keys;
}

function isUnmatched(key: string): boolean {
  return key.startsWith('dpkg:') || key.startsWith('rpm:');
}

function applying(key: string, byKey: ReadonlyMap<string, ReadonlySet<string>>): number {
  if (isUnmatched(key)) return 0;
  const ids = new Set(byKey.get(key));
  const base = releasedBase(key);
  if (base !== undefined) for (const id of byKey.get(base) ?? []) ids.add(id);
  return ids.size;
}

export function coverageOf(index: AdvisoryIndex, fleet: readonly FleetPlatform[]): Coverage {
  const byKey = recordsByKey(index);
  const devices = new Map<string, number>();
  for (const p of fleet) for (const k of platformKeys(p)) devices.set(k, (devices.get(k) ?? 0) + 1);
  const fleetRows = [...devices]
    .map(([ecosystem, n]) => ({
      ecosystem,
      devices: n,
      advisories: applying(ecosystem, byKey),
      matched: !isUnmatched(ecosystem),
    }))
    .sort((a, b) => b.devices - a.devices || a.ecosystem.localeCompare(b.ecosystem));
  const runs = new Set(fleetRows.map((r) => releasedBase(r.ecosystem)));
  const advisoryRows = [...byKey]
    .filter(([key]) => !devices.has(key) && !runs.has(key))
    .map(([ecosystem, ids]) => ({ ecosystem, devices: 0, advisories: ids.size, matched: true }))
    .sort((a, b) => b.advisories - a.advisories || a.ecosystem.localeCompare(b.ecosystem));
  const unsupported = [...index.unsupported]
    .map(([ecosystem, entries]) => ({ ecosystem, entries }))
    .sort((a, b) => b.entries - a.entries || a.ecosystem.localeCompare(b.ecosystem));
  return { rows: [...fleetRows, ...advisoryRows], unsupported };
}
