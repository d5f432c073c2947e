/**
 * The crash harness: a real `patchcast apply` process killed with SIGKILL at a named point
 * inside the transaction (PATCHCAST_CRASH_AT), then `patchcast apply --recover`.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { utf8 } from '@patchcast/core';
import { buildBundle } from '@patchcast/protocol';
import type { BundleInput } from '@patchcast/protocol';
import { BIN } from '../harness.js';
import { writeTree } from './tree.js';
import type { Tree } from './tree.js';

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(args: readonly string[], crashAt?: string): Promise<Run> {
  const env = { ...process.env };
  delete env.PATCHCAST_CRASH_AT;
  if (crashAt !== undefined) env.PATCHCAST_CRASH_AT = crashAt;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The tree before the patch: files replaced (one with another mode), a link replaced, one removed, one kept. */
export const OLD_TREE: Tree = {
  'bin/app': { link: 'tool' },
  'bin/tool': { content: '#!/bin/sh\necho v1\n', mode: 0o755 },
  'etc/app.conf': { content: 'port=1\n', mode: 0o640 },
  'lib/old.so': { content: 'old library\n', mode: 0o644 },
  'var/keep.txt': { content: 'untouched\n', mode: 0o600 },
};

const NEW_FILES = [
  { path: 'bin/tool', mode: 0o750, content: '#!/bin/sh\necho v2\n' },
  { path: 'etc/app.conf', mode: 0o644, content: 'port=2\n' },
  { path: 'opt/app/bin/run', mode: 0o755, content: '#!/bin/sh\nexec true\n' },
  { path: 'opt/app/data.txt', mode: 0o600, content: 'data\n' },
];

/** The tree after the patch, written out by hand: the oracle does not use our engine. */
export const NEW_TREE: Tree = {
  'bin/app': { link: '../opt/app/bin/run' },
  'bin/tool': { content: '#!/bin/sh\necho v2\n', mode: 0o750 },
  'etc/app.conf': { content: 'port=2\n', mode: 0o644 },
  lib: { dir: true },
  'opt/app/bin/run': { content: '#!/bin/sh\nexec true\n', mode: 0o755 },
  'opt/app/current': { link: 'bin/run' },
  'opt/app/data.txt': { content: 'data\n', mode: 0o600 },
  'opt/app/hook.txt': { content: 'post\n', mode: 0o644 },
  'var/keep.txt': { content: 'untouched\n', mode: 0o600 },
};

export function patchBundle(healthy: boolean): Uint8Array {
  const input: BundleInput = {
    name: 'crash-test',
    version: healthy ? '2' : '2-sick',
    files: NEW_FILES.map((file) => ({ ...file, content: utf8(file.content) })),
    removals: ['lib/old.so'],
    symlinks: [
      { path: 'bin/app', target: '../opt/app/bin/run' },
      { path: 'opt/app/current', target: 'bin/run' },
    ],
    hooks: {
      postInstall: {
        command: ['/bin/sh', '-c', 'umask 022; echo post > opt/app/hook.txt'],
        timeoutMs: 10_000,
      },
    },
    health: { command: ['/bin/sh', '-c', healthy ? 'exit 0' : 'exit 1'], timeoutMs: 10_000 },
  };
  return buildBundle(input);
}

export interface Case {
  readonly dir: string;
  readonly root: string;
  readonly state: string;
  readonly bundle: string;
}

export async function newCase(base: string, name: string, healthy: boolean): Promise<Case> {
  const dir = join(base, name);
  const root = join(dir, 'root');
  await mkdir(root, { recursive: true });
  await writeTree(root, OLD_TREE);
  const bundle = join(dir, 'bundle.tar');
  await writeFile(bundle, patchBundle(healthy));
  return { dir, root, state: join(dir, 'state'), bundle };
}

/** A tree written from `tree` into a fresh folder, to compare snapshots against. */
export async function expectedTree(base: string, name: string, tree: Tree): Promise<string> {
  const dir = join(base, name);
  await mkdir(dir, { recursive: true });
  await writeTree(dir, tree);
  return dir;
}
