/**
 * Loads OSV advisories from .json files, folders (recursively) and .zip archives. A record that
 * is not valid OSV is set aside with its file, id and reason; the rest loads.
 */
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError, formatProblem, parseOsvRecord } from '@patchcast/core';
import type { OsvRecord } from '@patchcast/core';
import type { Progress } from './progress.js';
import { readZip } from './zip-reader.js';

export interface RejectedRecord {
  /** The file, or 'archive.zip!/entry.json' inside an archive; '#N' for the N-th of a JSON array. */
  readonly file: string;
  /** The file without '#N' and, for a record of a JSON array, its index N. */
  readonly source: string;
  readonly index: number | undefined;
  readonly id: string | undefined;
  readonly reason: string;
}

export interface LoadedAdvisories {
  readonly records: OsvRecord[];
  readonly rejected: RejectedRecord[];
  /** With `keepRaw`: each valid record's JSON value and where it came from, in `records` order. */
  readonly raw: { readonly value: unknown; readonly file: string }[] | undefined;
}

const MAX_JSON_BYTES = 64 * 1024 * 1024;

function addValue(
  value: unknown,
  at: { readonly source: string; readonly index: number | undefined },
  out: LoadedAdvisories,
  progress: Progress,
): void {
  const result = parseOsvRecord(value);
  const file = at.index === undefined ? at.source : `${at.source}#${at.index}`;
  progress.record(!result.ok);
  if (result.ok) {
    out.records.push(result.record);
    out.raw?.push({ value, file });
  } else out.rejected.push({ file, ...at, id: result.id, reason: formatProblem(result.problem) });
}

/** One JSON document: a record, or an array of records. */
function addJson(text: string, file: string, out: LoadedAdvisories, progress: Progress): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    progress.record(true);
    const reason = `not JSON: ${(error as Error).message}`;
    out.rejected.push({ file, source: file, index: undefined, id: undefined, reason });
    return;
  }
  if (!Array.isArray(value))
    return addValue(value, { source: file, index: undefined }, out, progress);
  const items: readonly unknown[] = value;
  items.forEach((item, index) => addValue(item, { source: file, index }, out, progress));
}

async function addZip(path: string, out: LoadedAdvisories, progress: Progress): Promise<void> {
  for await (const entry of readZip(path)) {
    if (entry.name.endsWith('.json'))
      addJson((await entry.read()).toString('utf8'), `${path}!/${entry.name}`, out, progress);
  }
}

async function addFile(path: string, out: LoadedAdvisories, progress: Progress): Promise<void> {
  if (path.endsWith('.zip')) return addZip(path, out, progress);
  if (statSync(path).size > MAX_JSON_BYTES) {
    throw new PatchcastError('PAYLOAD_TOO_LARGE', `${path} is larger than ${MAX_JSON_BYTES} bytes`);
  }
  addJson(readFileSync(path, 'utf8'), path, out, progress);
}

async function addFolder(dir: string, out: LoadedAdvisories, progress: Progress): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await addFolder(path, out, progress);
    else if (entry.isFile() && (entry.name.endsWith('.json') || entry.name.endsWith('.zip'))) {
      await addFile(path, out, progress);
    }
  }
}

async function kindOf(path: string): Promise<'folder' | 'file'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch {
    throw new PatchcastError('NOT_FOUND', `advisory source ${path} does not exist`, {
      hint: 'Pass OSV .json files, folders of them, or osv.dev all.zip archives.',
    });
  }
}

export async function loadAdvisories(
  paths: readonly string[],
  progress: Progress,
  options: { readonly keepRaw?: boolean } = {},
): Promise<LoadedAdvisories> {
  const out: LoadedAdvisories = {
    records: [],
    rejected: [],
    raw: options.keepRaw === true ? [] : undefined,
  };
  for (const path of paths) {
    if ((await kindOf(path)) === 'folder') await addFolder(path, out, progress);
    else await addFile(path, out, progress);
  }
  progress.done();
  return out;
}
