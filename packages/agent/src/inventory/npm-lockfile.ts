/**
 * npm lockfiles v2 and v3 (package-lock.json, npm-shrinkwrap.json): the `packages` map, keyed
 * by install location. Links (workspaces) and the root project are not dependencies and are
 * skipped; lockfile v1 has no `packages` map and is refused.
 */
import { PatchcastError } from '@patchcast/core/base';
import type { CollectWarning, NpmPackage } from './inventory-types.js';

export interface LockfilePackages {
  readonly packages: NpmPackage[];
  readonly warnings: CollectWarning[];
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MARKER = 'node_modules/';

function invalid(file: string, reason: string): PatchcastError {
  return new PatchcastError(
    'INVALID_INPUT',
    `${file} is not an npm lockfile v2 or v3: ${reason}.`,
    {
      hint: 'Run `npm install` with npm 7 or later to write a lockfile v2 or v3.',
    },
  );
}

function packagesMap(lock: unknown, file: string): JsonObject {
  if (!isObject(lock)) throw invalid(file, 'expected a JSON object');
  const version = lock['lockfileVersion'];
  if (version !== 2 && version !== 3)
    throw invalid(file, `lockfileVersion is ${JSON.stringify(version)}`);
  const packages = lock['packages'];
  if (!isObject(packages)) throw invalid(file, '"packages" is missing or not an object');
  return packages;
}

function entryOf(key: string, entry: unknown, file: string): NpmPackage | string | undefined {
  const at = key.lastIndexOf(MARKER);
  if (at < 0 || !isObject(entry) || entry['link'] === true) return undefined;
  const name = typeof entry['name'] === 'string' ? entry['name'] : key.slice(at + MARKER.length);
  const version = entry['version'];
  if (typeof version !== 'string' || version === '' || name === '')
    return `${key}: no name or version`;
  return { name, version, path: `${file}#${key}`, dev: entry['dev'] === true };
}

/** Every installed dependency listed in a parsed lockfile; `file` names it in paths and warnings. */
export function lockfilePackages(lock: unknown, file: string): LockfilePackages {
  const out: LockfilePackages = { packages: [], warnings: [] };
  for (const [key, entry] of Object.entries(packagesMap(lock, file))) {
    const pkg = entryOf(key, entry, file);
    if (typeof pkg === 'string') out.warnings.push({ source: file, reason: pkg });
    else if (pkg !== undefined) out.packages.push(pkg);
  }
  return out;
}
