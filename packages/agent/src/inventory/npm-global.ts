/**
 * Globally installed npm packages: every package folder under a global node_modules (e.g.
 * /usr/lib/node_modules), including bundled and nested node_modules, read from package.json.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectWarning, NpmPackage } from './inventory-types.js';

export const NPM_GLOBAL_LIMITS = { depth: 32, packages: 100_000 } as const;

interface Walk {
  readonly packages: NpmPackage[];
  readonly warnings: CollectWarning[];
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

/** The package folders directly inside a node_modules folder (scoped ones included). */
async function packageDirs(nodeModules: string): Promise<string[]> {
  const names = await readdir(nodeModules).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const path = join(nodeModules, name);
    if (!name.startsWith('@')) dirs.push(path);
    else
      for (const inner of (await readdir(path).catch(() => [] as string[])).sort())
        dirs.push(join(path, inner));
  }
  return dirs;
}

/** name and version of a package.json, or the reason there are none. */
export function manifestEntry(json: unknown, dir: string): NpmPackage | string {
  const m =
    typeof json === 'object' && json !== null ? (json as Readonly<Record<string, unknown>>) : {};
  const { name, version } = m;
  if (typeof name !== 'string' || typeof version !== 'string' || name === '' || version === '') {
    return 'package.json has no name or version';
  }
  return { name, version, path: dir };
}

async function readPackage(dir: string, walk: Walk): Promise<void> {
  try {
    const json: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const entry = manifestEntry(json, dir);
    if (typeof entry === 'string') walk.warnings.push({ source: dir, reason: entry });
    else walk.packages.push(entry);
  } catch (error) {
    walk.warnings.push({
      source: dir,
      reason: `unreadable package.json (${(error as Error).message})`,
    });
  }
}

async function walkNodeModules(nodeModules: string, depth: number, walk: Walk): Promise<void> {
  if (depth > NPM_GLOBAL_LIMITS.depth) return;
  for (const dir of await packageDirs(nodeModules)) {
    if (walk.packages.length >= NPM_GLOBAL_LIMITS.packages || !(await isDirectory(dir))) continue;
    await readPackage(dir, walk);
    await walkNodeModules(join(dir, 'node_modules'), depth + 1, walk);
  }
}

export async function globalNpmPackages(root: string): Promise<Walk> {
  const walk: Walk = { packages: [], warnings: [] };
  if (!(await isDirectory(root))) walk.warnings.push({ source: root, reason: 'not a folder' });
  else await walkNodeModules(root, 0, walk);
  return walk;
}
