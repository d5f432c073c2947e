/** Loads the KEV catalog, an EPSS CSV (plain or .gz) and a deadline policy table from files. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import {
  PatchcastError,
  parseDeadlinePolicyCsv,
  parseEpssCsv,
  parseKevCatalog,
} from '@patchcast/core';
import type { DeadlinePolicy, EpssScores, KevCatalog } from '@patchcast/core';

const MAX_BYTES = 512 * 1024 * 1024;

async function readText(path: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new PatchcastError(
      'NOT_FOUND',
      `${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: 'check the path, and that the file is readable' },
    );
  }
  const text = path.endsWith('.gz') ? gunzipSync(bytes, { maxOutputLength: MAX_BYTES }) : bytes;
  return text.toString('utf8');
}

/** Re-raises a parse failure with the file named first. */
function inFile<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof PatchcastError)) throw error;
    throw new PatchcastError(error.code, `${path}: ${error.message}`, {
      hint: error.hint,
      cause: error,
    });
  }
}

function parseKevText(text: string): KevCatalog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PatchcastError(
      'THREAT_DATA_INVALID',
      `Not a CISA KEV catalog: not JSON (${(error as Error).message}).`,
    );
  }
  return parseKevCatalog(value);
}

export async function loadKev(path: string): Promise<KevCatalog> {
  const text = await readText(path, 'KEV catalog');
  return inFile(path, () => parseKevText(text));
}

export async function loadEpss(path: string): Promise<EpssScores> {
  const text = await readText(path, 'EPSS file');
  return inFile(path, () => parseEpssCsv(text));
}

export async function loadPolicy(path: string): Promise<DeadlinePolicy> {
  const text = await readText(path, 'deadline policy');
  return inFile(path, () => parseDeadlinePolicyCsv(text, path));
}

/** The checked text of a KEV catalog, for upload (the server checks it again). */
export async function loadKevText(path: string): Promise<string> {
  const text = await readText(path, 'KEV catalog');
  inFile(path, () => parseKevText(text));
  return text;
}

/** The checked text of an EPSS CSV (decompressed when .gz), for upload. */
export async function loadEpssText(path: string): Promise<string> {
  const text = await readText(path, 'EPSS file');
  inFile(path, () => parseEpssCsv(text));
  return text;
}

/** The checked text of a deadline policy table, for upload. */
export async function loadPolicyText(path: string): Promise<string> {
  const text = await readText(path, 'deadline policy');
  inFile(path, () => parseDeadlinePolicyCsv(text, path));
  return text;
}
