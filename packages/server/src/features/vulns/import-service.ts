/**
 * Advisory imports (docs/vulnerabilities.md "Server"): a client creates an import, stages
 * advisory batches and data files, and commits. Every record and file is checked when staged and
 * a bad one is refused (the CLI skips bad records before it sends them, so a refusal here means a
 * client that did not check); nothing is visible before the commit, which applies the whole
 * import in one transaction.
 */
import { randomUUID } from 'node:crypto';
import {
  PatchcastError,
  formatProblem,
  parseDeadlinePolicyCsv,
  parseEpssCsv,
  parseKevCatalog,
  parseOsvRecord,
} from '@patchcast/core';
import type { VulnDataKind } from '@patchcast/protocol';
import type { AdvisoryRow, ImportCounts, VulnStore } from '../../storage/vuln-store.js';

/** An import not committed within this time is dropped. */
export const IMPORT_TTL_MS = 24 * 3600 * 1000;

function unknownImport(id: string): PatchcastError {
  return new PatchcastError('NOT_FOUND', `no open import ${id}`, {
    hint: 'imports expire after a day or once committed: start again with `patchcast vulns import`',
  });
}

function advisoryRow(value: unknown, source: string): AdvisoryRow {
  const result = parseOsvRecord(value);
  if (!result.ok) {
    const id = result.id === undefined ? '' : ` (id ${result.id})`;
    throw new PatchcastError(
      'ADVISORY_INVALID',
      `${source}${id}: ${formatProblem(result.problem)}; nothing was imported`,
      { hint: 'fix or remove this record and import again' },
    );
  }
  const { id, modified } = result.record;
  return { id, modified: new Date(modified).toISOString(), json: JSON.stringify(value) };
}

/** Checks a data file the way the matcher will read it; returns how many entries it has. */
export function checkData(kind: VulnDataKind, text: string, source: string): number {
  try {
    if (kind === 'policy') return parseDeadlinePolicyCsv(text, source).rules.length;
    if (kind === 'epss') return parseEpssCsv(text).scores.size;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new PatchcastError(
        'THREAT_DATA_INVALID',
        `Not a CISA KEV catalog: not JSON (${(error as Error).message}).`,
      );
    }
    return parseKevCatalog(value).entries.size;
  } catch (error) {
    if (!(error instanceof PatchcastError)) throw error;
    throw new PatchcastError(error.code, `${source}: ${error.message}`, { hint: error.hint });
  }
}

export class ImportService {
  readonly #store: VulnStore;
  readonly #now: () => Date;

  constructor(store: VulnStore, now: () => Date) {
    this.#store = store;
    this.#now = now;
  }

  async create(): Promise<string> {
    const now = this.#now();
    await this.#store.dropStaleImports(new Date(now.getTime() - IMPORT_TTL_MS).toISOString());
    const id = `imp_${randomUUID()}`;
    await this.#store.createImport(id, now.toISOString());
    return id;
  }

  async stageAdvisories(
    id: string,
    records: readonly unknown[],
    sources: readonly string[] | undefined,
  ): Promise<number> {
    const rows = records.map((value, i) => advisoryRow(value, sources?.[i] ?? `record #${i}`));
    if (!(await this.#store.stageAdvisories(id, rows))) throw unknownImport(id);
    return rows.length;
  }

  /**
   * Stages a data file. A file whose text is the stored one is checked but not staged, so the
   * commit does not list it as replaced: importing the same data twice changes nothing.
   */
  async stageData(id: string, kind: VulnDataKind, text: string, source: string): Promise<number> {
    const entries = checkData(kind, text, source);
    if ((await this.#store.data(kind))?.text === text) {
      // An empty batch stages nothing; it only tells whether the import is open.
      if (!(await this.#store.stageAdvisories(id, []))) throw unknownImport(id);
      return entries;
    }
    if (!(await this.#store.stageData(id, kind, text))) throw unknownImport(id);
    return entries;
  }

  async commit(id: string): Promise<ImportCounts> {
    const counts = await this.#store.commitImport(id, this.#now().toISOString());
    if (counts === undefined) throw unknownImport(id);
    return counts;
  }
}
