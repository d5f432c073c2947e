/**
 * What matching and scoring need from the imported data: the advisory index, KEV, EPSS and the
 * deadline policy. Built once per advisory generation and shared until the next import commits.
 * A newer generation is reached by applying only the advisories the commits in between stored
 * (VulnStore.advisoriesSince) and rebuilding the index from the records already parsed; the
 * packages those records named before and after are kept, so an import recomputes only the
 * devices that hold them.
 */
import {
  CISA_BOD_26_04_POLICY,
  advisoryPackageKeys,
  indexAdvisories,
  parseDeadlinePolicyCsv,
  parseEpssCsv,
  parseKevCatalog,
  parseOsvRecord,
} from '@patchcast/core';
import type {
  AdvisoryIndex,
  DeadlinePolicy,
  EpssScores,
  KevCatalog,
  OsvRecord,
} from '@patchcast/core';
import type { AdvisoryRow, VulnStore } from '../../storage/vuln-store.js';

export interface VulnContext {
  readonly generation: number;
  readonly index: AdvisoryIndex;
  readonly kev: KevCatalog | undefined;
  readonly epss: EpssScores | undefined;
  readonly policy: DeadlinePolicy;
  /** The valid records stored, by id, in id order (the order the index is built in). */
  readonly records: ReadonlyMap<string, OsvRecord>;
}

/** The packages whose index entries changed from one generation to a later one. */
interface Change {
  readonly from: number;
  readonly to: number;
  readonly packages: ReadonlySet<string>;
}

const KEPT_CHANGES = 32;

function parsed(rows: readonly AdvisoryRow[]): OsvRecord[] {
  return rows.flatMap((row) => {
    const result = parseOsvRecord(JSON.parse(row.json) as unknown);
    return result.ok ? [result.record] : [];
  });
}

function byId(records: Iterable<OsvRecord>): Map<string, OsvRecord> {
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Map(sorted.map((r) => [r.id, r]));
}

async function withData(
  store: VulnStore,
  generation: number,
  records: ReadonlyMap<string, OsvRecord>,
): Promise<VulnContext> {
  const [kev, epss, policy] = await Promise.all([
    store.data('kev'),
    store.data('epss'),
    store.data('policy'),
  ]);
  return {
    generation,
    index: indexAdvisories(records.values()),
    kev: kev && parseKevCatalog(JSON.parse(kev.text) as unknown),
    epss: epss && parseEpssCsv(epss.text),
    policy: policy ? parseDeadlinePolicyCsv(policy.text, 'imported policy') : CISA_BOD_26_04_POLICY,
    records,
  };
}

/** Caches the context of the current generation; a newer generation updates it. */
export class VulnContextCache {
  readonly #store: VulnStore;
  #current: Promise<VulnContext> | undefined;
  readonly #changes: Change[] = [];

  constructor(store: VulnStore) {
    this.#store = store;
  }

  async current(): Promise<VulnContext> {
    const generation = await this.#store.generation();
    const cached = this.#current === undefined ? undefined : await this.#current;
    if (cached?.generation === generation) return cached;
    const next =
      cached === undefined || cached.generation > generation
        ? this.#load(generation)
        : this.#advance(cached, generation);
    this.#current = next;
    next.catch(() => {
      if (this.#current === next) this.#current = undefined;
    });
    return next;
  }

  /**
   * The packages whose index entries may differ between generation `from` and `to`, when this
   * cache saw that step (from a context it held); undefined when it did not.
   */
  packagesChanged(from: number, to: number): ReadonlySet<string> | undefined {
    return this.#changes.find((c) => c.from <= from && c.to >= to)?.packages;
  }

  async #load(generation: number): Promise<VulnContext> {
    const records = byId(parsed(await this.#store.advisories()));
    return withData(this.#store, generation, records);
  }

  async #advance(cached: VulnContext, generation: number): Promise<VulnContext> {
    const rows = await this.#store.advisoriesSince(cached.generation);
    const records = new Map(cached.records);
    const packages = new Set<string>();
    for (const row of rows) {
      const old = records.get(row.id);
      if (old !== undefined) for (const key of advisoryPackageKeys(old)) packages.add(key);
      records.delete(row.id);
    }
    for (const record of parsed(rows)) {
      for (const key of advisoryPackageKeys(record)) packages.add(key);
      records.set(record.id, record);
    }
    const context = await withData(this.#store, generation, byId(records.values()));
    this.#changes.push({ from: cached.generation, to: generation, packages });
    if (this.#changes.length > KEPT_CHANGES) this.#changes.shift();
    return context;
  }
}
