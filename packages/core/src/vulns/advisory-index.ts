/**
 * Advisories indexed by (ecosystem, package name) for matching. Of two records with the same
 * id, the one modified last wins ("id, modified fields"); withdrawn records are counted and
 * left out; records for ecosystems Patchcast cannot evaluate are counted per ecosystem.
 */
import {
  matchEcosystemOf,
  normalizePackageName,
  releaseOf,
  splitEcosystem,
} from './osv-ecosystem.js';
import type { MatchEcosystem } from './osv-ecosystem.js';
import type { OsvAffected, OsvRecord } from './osv-record.js';

export interface IndexedAffected {
  readonly record: OsvRecord;
  readonly affected: OsvAffected;
  readonly ecosystem: MatchEcosystem;
  /** For Debian and RPM ecosystems: the release the entry is scoped to, or undefined for all. */
  readonly release: string | undefined;
}

export interface AdvisoryIndex {
  readonly byPackage: ReadonlyMap<string, readonly IndexedAffected[]>;
  /** Records indexed (after de-duplication, withdrawn ones excluded). */
  readonly records: number;
  readonly withdrawn: number;
  readonly duplicates: number;
  /** Affected entries per ecosystem that matching does not support, e.g. { Go: 6125 }. */
  readonly unsupported: ReadonlyMap<string, number>;
}

export function packageKey(ecosystem: MatchEcosystem, name: string): string {
  return `${ecosystem}\u0000${normalizePackageName(ecosystem, name)}`;
}

function latest(records: Iterable<OsvRecord>): {
  readonly byId: Map<string, OsvRecord>;
  readonly duplicates: number;
} {
  const byId = new Map<string, OsvRecord>();
  let duplicates = 0;
  for (const record of records) {
    const seen = byId.get(record.id);
    if (seen !== undefined) duplicates += 1;
    if (seen === undefined || Date.parse(record.modified) > Date.parse(seen.modified))
      byId.set(record.id, record);
  }
  return { byId, duplicates };
}

function addRecord(
  record: OsvRecord,
  index: Map<string, IndexedAffected[]>,
  unsupported: Map<string, number>,
): void {
  for (const affected of record.affected) {
    if (affected.package === undefined) continue;
    const ecosystem = matchEcosystemOf(affected.package.ecosystem);
    if (ecosystem === undefined) {
      const base = splitEcosystem(affected.package.ecosystem).base;
      unsupported.set(base, (unsupported.get(base) ?? 0) + 1);
      continue;
    }
    const key = packageKey(ecosystem, affected.package.name);
    const release = releaseOf(ecosystem, splitEcosystem(affected.package.ecosystem).suffix);
    const entries = index.get(key) ?? [];
    entries.push({ record, affected, ecosystem, release });
    index.set(key, entries);
  }
}

export function indexAdvisories(records: Iterable<OsvRecord>): AdvisoryIndex {
  const { byId, duplicates } = latest(records);
  const byPackage = new Map<string, IndexedAffected[]>();
  const unsupported = new Map<string, number>();
  let withdrawn = 0;
  for (const record of byId.values()) {
    if (record.withdrawn !== undefined) withdrawn += 1;
    else addRecord(record, byPackage, unsupported);
  }
  return { byPackage, records: byId.size - withdrawn, withdrawn, duplicates, unsupported };
}

/**
 * The packages (`packageKey`) a record's affected entries index under: the only index entries a
 * change of this record can add or remove. A withdrawn record names none of its own, but the
 * version it replaces may (the caller takes both).
 */
export function advisoryPackageKeys(record: OsvRecord): string[] {
  const keys = new Set<string>();
  if (record.withdrawn !== undefined) return [];
  for (const affected of record.affected) {
    if (affected.package === undefined) continue;
    const ecosystem = matchEcosystemOf(affected.package.ecosystem);
    if (ecosystem !== undefined) keys.add(packageKey(ecosystem, affected.package.name));
  }
  return [...keys];
}
