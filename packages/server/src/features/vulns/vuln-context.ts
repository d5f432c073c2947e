/**
 * What matching and scoring need from the imported data: the advisory index, KEV, EPSS and the
 * deadline policy. Built once per advisory generation and shared until the next import commits.
 */
import {
  CISA_BOD_26_04_POLICY,
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
import type { VulnStore } from '../../storage/vuln-store.js';

export interface VulnContext {
  readonly generation: number;
  readonly index: AdvisoryIndex;
  readonly kev: KevCatalog | undefined;
  readonly epss: EpssScores | undefined;
  readonly policy: DeadlinePolicy;
}

async function loadRecords(store: VulnStore): Promise<OsvRecord[]> {
  const records: OsvRecord[] = [];
  for (const row of await store.advisories()) {
    const parsed = parseOsvRecord(JSON.parse(row.json) as unknown);
    if (parsed.ok) records.push(parsed.record);
  }
  return records;
}

async function load(store: VulnStore, generation: number): Promise<VulnContext> {
  const [kev, epss, policy] = await Promise.all([
    store.data('kev'),
    store.data('epss'),
    store.data('policy'),
  ]);
  return {
    generation,
    index: indexAdvisories(await loadRecords(store)),
    kev: kev && parseKevCatalog(JSON.parse(kev.text) as unknown),
    epss: epss && parseEpssCsv(epss.text),
    policy: policy ? parseDeadlinePolicyCsv(policy.text, 'imported policy') : CISA_BOD_26_04_POLICY,
  };
}

/** Caches the context of the current generation; a newer generation reloads it. */
export class VulnContextCache {
  readonly #store: VulnStore;
  #current: Promise<VulnContext> | undefined;

  constructor(store: VulnStore) {
    this.#store = store;
  }

  async current(): Promise<VulnContext> {
    const generation = await this.#store.generation();
    const cached = this.#current === undefined ? undefined : await this.#current;
    if (cached?.generation === generation) return cached;
    this.#current = load(this.#store, generation);
    this.#current.catch(() => (this.#current = undefined));
    return this.#current;
  }
}
