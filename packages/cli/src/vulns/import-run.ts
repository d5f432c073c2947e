/**
 * `patchcast vulns import`: reads every input first and refuses the whole import on the first
 * bad record or file (ADVISORY_INVALID, ARCHIVE_INVALID, THREAT_DATA_INVALID, POLICY_INVALID,
 * naming the file and record); then stages it on the server in batches and commits it at once.
 */
import { PatchcastError } from '@patchcast/core';
import { VULN_IMPORT_BATCH } from '@patchcast/protocol';
import type { ImportSummary, VulnDataKind } from '@patchcast/protocol';
import type { Io } from '../command.js';
import { loadAdvisories } from './advisory-loader.js';
import type { LoadedAdvisories } from './advisory-loader.js';
import { progressOn } from './progress.js';
import { loadEpssText, loadKevText, loadPolicyText } from './threat-data-loader.js';
import type { VulnsClient } from './vulns-client.js';

export interface ImportOptions {
  readonly osv: readonly string[];
  readonly kev: string | undefined;
  readonly epss: string | undefined;
  readonly policy: string | undefined;
}

interface DataFile {
  readonly kind: VulnDataKind;
  readonly text: string;
  readonly source: string;
}

function refuseRejected(loaded: LoadedAdvisories): void {
  const first = loaded.rejected[0];
  if (first === undefined) return;
  const id = first.id === undefined ? '' : ` (id ${first.id})`;
  const more = loaded.rejected.length > 1 ? ` and ${loaded.rejected.length - 1} more` : '';
  throw new PatchcastError(
    'ADVISORY_INVALID',
    `${first.file}${id}: ${first.reason}${more}; nothing was imported`,
    {
      hint: 'fix or remove the bad records, or check them with `patchcast scan` (which skips them)',
    },
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

export async function runImport(
  options: ImportOptions,
  client: VulnsClient,
  io: Io,
): Promise<ImportSummary> {
  if (options.osv.length + [options.kev, options.epss, options.policy].filter(Boolean).length === 0)
    throw new PatchcastError('USAGE', 'nothing to import', {
      hint: 'pass --osv PATH (repeatable), --kev FILE, --epss FILE or --policy FILE',
    });
  const loaded = await loadAdvisories(options.osv, progressOn(io, 'advisories'), { keepRaw: true });
  refuseRejected(loaded);
  const files = await dataFiles(options);
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
  return client.commitImport(id);
}
