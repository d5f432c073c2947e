import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import type { BundleInput, ParsedBundle } from '@patchcast/protocol';

export interface Sandbox {
  readonly base: string;
  readonly root: string;
  readonly stateDir: string;
}

export async function sandbox(t: { after(fn: () => Promise<void>): void }): Promise<Sandbox> {
  const base = await mkdtemp(join(tmpdir(), 'patchcast-install-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  await mkdir(root);
  return { base, root, stateDir: join(base, 'state') };
}

export type TreeSpec = Readonly<Record<string, string | { content: string; mode: number }>>;

export async function writeTree(root: string, tree: TreeSpec): Promise<void> {
  for (const [path, spec] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    const { content, mode } = typeof spec === 'string' ? { content: spec, mode: 0o644 } : spec;
    await writeFile(file, content);
    await chmod(file, mode);
  }
}

/** Every entry under `dir` with its type, permission bits and content (or link target). */
export async function snapshot(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const stats = await lstat(path);
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) lines.push(`${path} link ${await readlink(path)}`);
    else if (stats.isDirectory()) lines.push(`${path} dir ${mode}`, ...(await snapshot(path)));
    else lines.push(`${path} file ${mode} ${(await readFile(path)).toString('base64')}`);
  }
  return lines;
}

export interface FileSpec {
  readonly path: string;
  readonly content: string;
  readonly mode?: number;
}

export function bundleOf(
  files: readonly FileSpec[],
  extra: Partial<Omit<BundleInput, 'files'>> = {},
): ParsedBundle {
  const input: BundleInput = {
    name: 'demo-patch',
    version: '1.0.0',
    files: files.map((file) => ({
      path: file.path,
      mode: file.mode ?? 0o644,
      content: utf8(file.content),
    })),
    ...extra,
  };
  return readBundle(buildBundle(input));
}

export function sh(script: string, timeoutMs = 10_000) {
  return { command: ['/bin/sh', '-c', script], timeoutMs };
}

export async function listTx(stateDir: string): Promise<string[]> {
  return readdir(join(stateDir, 'tx')).catch(() => []);
}

/** True while the process exists and is not a zombie. */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
