/**
 * What each path given to `patchcast vulns import PATH...` holds, told by its name or content:
 * a folder or `.zip` is OSV advisories; a CSV (or `.csv.gz`) is the EPSS scores when it starts
 * with `#model_version` or `cve,epss`, a deadline policy table when its header names `In KEV`;
 * a JSON file is the CISA KEV catalog when it is named so or has KEV's top-level fields, and
 * OSV advisories otherwise.
 */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { PatchcastError } from '@patchcast/core';

export interface ImportSources {
  readonly osv: readonly string[];
  readonly kev: string | undefined;
  readonly epss: string | undefined;
  readonly policy: string | undefined;
}

type Kind = 'osv' | 'kev' | 'epss' | 'policy';

const SNIFF_BYTES = 64 * 1024;
const KEV_FIELDS = /^\s*\{[\s\S]*"(catalogVersion|dateReleased)"\s*:/;

async function head(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The first line of a CSV file, decompressing the start of a `.gz` one. */
function firstLine(bytes: Buffer, gz: boolean): string {
  let text = bytes;
  if (gz) {
    try {
      text = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return '';
    }
  }
  return text.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
}

function csvKind(path: string, line: string): Kind {
  if (/^#model_version|^cve,epss/i.test(line)) return 'epss';
  if (/in kev/i.test(line)) return 'policy';
  throw new PatchcastError(
    'USAGE',
    `${path}: a CSV file that is neither EPSS scores nor a deadline policy table`,
    { hint: 'EPSS starts with "#model_version:" or "cve,epss"; a policy names "In KEV"' },
  );
}

async function kindOf(path: string): Promise<Kind> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new PatchcastError('NOT_FOUND', `${path} does not exist`, {
      hint: 'pass OSV .json files, folders or .zip archives, the KEV catalog, an EPSS CSV',
    });
  }
  const name = basename(path).toLowerCase();
  if (info.isDirectory() || name.endsWith('.zip')) return 'osv';
  if (/\.csv(\.gz)?$/.test(name))
    return csvKind(path, firstLine(await head(path), name.endsWith('.gz')));
  if (name.endsWith('.json')) {
    if (name.includes('known_exploited') || /(^|[^a-z])kev([^a-z]|$)/.test(name)) return 'kev';
    return KEV_FIELDS.test((await head(path)).toString('utf8')) ? 'kev' : 'osv';
  }
  throw new PatchcastError('USAGE', `cannot tell what ${path} holds`, {
    hint: 'name OSV files .json or .zip, EPSS and policy tables .csv (or use --osv, --kev, --epss, --policy)',
  });
}

function once(kind: Kind, current: string | undefined, path: string): string {
  if (current === undefined) return path;
  throw new PatchcastError('USAGE', `two ${kind} files given: ${current} and ${path}`, {
    hint: `an import takes at most one ${kind.toUpperCase()} file`,
  });
}

/** Sorts positional paths and the explicit flags into one set of sources. */
export async function classifySources(
  paths: readonly string[],
  flags: ImportSources,
): Promise<ImportSources> {
  const osv = [...flags.osv];
  let { kev, epss, policy } = flags;
  for (const path of paths) {
    const kind = await kindOf(path);
    if (kind === 'osv') osv.push(path);
    else if (kind === 'kev') kev = once(kind, kev, path);
    else if (kind === 'epss') epss = once(kind, epss, path);
    else policy = once(kind, policy, path);
  }
  return { osv, kev, epss, policy };
}
