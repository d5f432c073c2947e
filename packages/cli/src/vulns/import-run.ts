/**
 * `patchcast vulns import`: reads every input first. A bad advisory record is skipped and listed
 * (file, index in a JSON array, id, reason); the rest imports. A whole file that cannot be read
 * (ARCHIVE_INVALID, THREAT_DATA_INVALID, POLICY_INVALID) refuses the import, as does having
 * nothing at all to import (ADVISORY_INVALID when every record was bad). Then the import is staged
 * on the server in batches and committed at once.
 */
import { basename } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { VULN_IMPORT_BATCH } from '@patchcast/protocol';
import type { ImportSummary, VulnDataKind } from '@patchcast/protocol';
import type { Io } from '../command.js';
import { loadAdvisories } from './advisory-loader.js';
import type { LoadedAdvisories, RejectedRecord } from './advisory-loader.js';
import type { ImportSources } from './import-sources.js';
import { progressOn } from './progress.js';
import { loadEpssText, loadKevText, loadPolicyText } from './threat-data-loader.js';
import type { VulnsClient } from './vulns-client.js';

export type ImportOptions = ImportSources;

/** A bad advisory record that the import skipped. */
export interface SkippedRecord {
  /** The file, or 'archive.zip!/entry.json' inside an archive. */
  readonly file: string;
  /** The record's index when the file holds a JSON array of records. */
  readonly index: number | null;
  readonly id: string | null;
  readonly reason: string;
}

/** The server's summary, plus what the CLI skipped and which data files were already stored. */
export interface ImportResult extends ImportSummary {
  readonly skipped: readonly SkippedRecord[];
  /** Data kinds given whose stored text was already the same (so they were not replaced). */
  readonly dataUnchanged: readonly string[];
  /** False when the server already held everything this import carried. */
  readonly changed: boolean;
}

interface DataFile {
  readonly kind: VulnDataKind;
  readonly text: string;
  readonly source: string;
}

function skippedRecord(r: RejectedRecord): SkippedRecord {
  return { file: r.source, index: r.index ?? null, id: r.id ?? null, reason: r.reason };
}

export function skippedLine(r: SkippedRecord): string {
  const where = r.index === null ? r.file : `${r.file}#${r.index}`;
  return `skipped ${r.id ?? '(no id)'} in ${where}: ${r.reason}`;
}

/** Nothing at all could be imported: the error, with every skipped record for `--json`. */
export class NothingImported extends PatchcastError {
  readonly skipped: readonly SkippedRecord[];

  constructor(error: PatchcastError, skipped: readonly SkippedRecord[]) {
    super(error.code, error.message, { hint: error.hint });
    this.skipped = skipped;
  }
}

/** Nothing to import at all: every record was bad, or there were none. */
function nothingToImport(loaded: LoadedAdvisories, sources: readonly string[]): PatchcastError {
  const first = loaded.rejected[0];
  if (first === undefined)
    return new PatchcastError('NOT_FOUND', `no OSV advisory records in ${sources.join(', ')}`, {
      hint: 'pass OSV .json files, folders of them or osv.dev .zip archives',
    });
  const n = loaded.rejected.length;
  return new PatchcastError(
    'ADVISORY_INVALID',
    `none of the ${n} advisory records could be imported (the first: ${skippedLine(skippedRecord(first))}); nothing was imported`,
    { hint: 'every skipped record is listed; fix them or import other data' },
  );
}

async function dataFiles(options: ImportOptions): Promise<DataFile[]> {
  const files: DataFile[] = [];
  if (options.kev !== undefined)
    files.push({ kind: 'kev', text: await loadKevText(options.kev), source: options.kev });
  if (options.epss !== undefined)
    files.push({ kind: 'epss', text: await loadEpssText(options.epss), source: options.epss });
  if (options.policy !== undefined)
    files.push({
      kind: 'policy',
      text: await loadPolicyText(options.policy),
      source: options.policy,
    });
  return files;
}

/** Batches of at most VULN_IMPORT_BATCH records and about VULN_IMPORT_BATCH.bytes of JSON. */
export function batches<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (
      current.length > 0 &&
      (current.length >= VULN_IMPORT_BATCH.records || bytes + size > VULN_IMPORT_BATCH.bytes)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The base names of the files and folders an import reads (never where they are). */
function sourceNames(options: ImportOptions): string[] {
  const paths = [...options.osv, options.kev, options.epss, options.policy];
  return paths.flatMap((p) => (p === undefined || p === '' ? [] : [basename(p).slice(0, 200)]));
}

export async function runImport(
  options: ImportOptions,
  connect: () => VulnsClient,
  io: Io,
): Promise<ImportResult> {
  if (options.osv.length + [options.kev, options.epss, options.policy].filter(Boolean).length === 0)
    throw new PatchcastError('USAGE', 'nothing to import', {
      hint: 'pass OSV files, folders or .zip archives, the KEV catalog, an EPSS CSV or a policy table',
    });
  const loaded = await loadAdvisories(options.osv, progressOn(io, 'advisories'), { keepRaw: true });
  const skipped = loaded.rejected.map(skippedRecord);
  const files = await dataFiles(options);
  if (loaded.records.length === 0 && files.length === 0) {
    for (const r of skipped) io.err(`${skippedLine(r)}\n`);
    throw new NothingImported(nothingToImport(loaded, options.osv), skipped);
  }
  const client = connect(); // only once the inputs are read: their problems need no server
  const { id } = await client.createImport();
  const raw = loaded.raw ?? [];
  let sent = 0;
  for (const batch of batches(raw, (r) => JSON.stringify(r.value).length)) {
    await client.stageAdvisories(
      id,
      batch.map((r) => r.value),
      batch.map((r) => r.file),
    );
    sent += batch.length;
    io.err(`uploaded ${sent}/${raw.length} advisories\n`);
  }
  for (const file of files) {
    await client.stageData(id, file.kind, file.text, file.source);
    io.err(`uploaded ${file.kind} (${file.source})\n`);
  }
  const summary = await client.commitImport(id, sourceNames(options));
  const dataUnchanged = files.map((f) => f.kind).filter((k) => !summary.data.includes(k));
  const { added, updated } = summary.advisories;
  const changed = added + updated > 0 || summary.data.length > 0;
  return { ...summary, skipped, dataUnchanged: dataUnchanged.sort(), changed };
}
