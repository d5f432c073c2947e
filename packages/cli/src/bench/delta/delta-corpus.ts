/**
 * The real consecutive-version pairs `patchcast bench delta` measures: releases of well-known npm
 * packages (fetched with `npm pack`) and Debian packages of which the archive offers two versions
 * (`apt-cache madison`, `apt-get download`). Downloads are cached outside the repository, in
 * `$PATCHCAST_BENCH_DATA` or `~/.cache/patchcast/bench-delta`, and never committed. A pair that
 * cannot be fetched is skipped with a note.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { compareVersions } from '@patchcast/core';

export interface Release {
  readonly kind: 'npm' | 'deb';
  /** The package as its registry names it. */
  readonly spec: string;
  readonly version: string;
}

export interface Pair {
  readonly label: string;
  readonly base: Release;
  readonly next: Release;
}

/** Consecutive releases: each version to the next one listed. */
const NPM_RELEASES: Readonly<Record<string, readonly string[]>> = {
  typescript: ['5.4.2', '5.4.3', '5.4.4', '5.4.5'],
  '@esbuild/linux-x64': ['0.20.0', '0.20.1', '0.20.2'],
  lodash: ['4.17.19', '4.17.20', '4.17.21'],
  'react-dom': ['18.2.0', '18.3.0', '18.3.1'],
  prettier: ['3.2.4', '3.2.5', '3.3.0'],
  eslint: ['8.56.0', '8.57.0'],
  moment: ['2.29.4', '2.30.0', '2.30.1'],
  vue: ['3.4.20', '3.4.21'],
  axios: ['1.6.7', '1.6.8'],
  zod: ['3.22.4', '3.23.0'],
  rxjs: ['7.8.0', '7.8.1'],
  'date-fns': ['3.3.0', '3.3.1'],
};

/** Debian packages that see point releases (security updates); the two newest versions offered. */
const DEB_PACKAGES = ['openssl', 'libssl3', 'curl', 'libcurl4', 'tzdata'] as const;

const COMMAND_TIMEOUT_MS = 120_000;

export function benchDataDir(): string {
  return process.env.PATCHCAST_BENCH_DATA ?? join(homedir(), '.cache', 'patchcast', 'bench-delta');
}

export async function corpusPairs(notes: string[]): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (const [spec, versions] of Object.entries(NPM_RELEASES)) {
    for (let i = 1; i < versions.length; i++) {
      const [base, next] = [versions[i - 1] ?? '', versions[i] ?? ''];
      pairs.push({
        label: `${spec} ${base} -> ${next}`,
        base: { kind: 'npm', spec, version: base },
        next: { kind: 'npm', spec, version: next },
      });
    }
  }
  for (const spec of DEB_PACKAGES) {
    const versions = await debVersions(spec);
    const [next, base] = versions;
    if (base === undefined || next === undefined) {
      notes.push(`${spec} (Debian): fewer than two versions offered by apt; skipped`);
      continue;
    }
    pairs.push({
      label: `${spec} (Debian) ${base} -> ${next}`,
      base: { kind: 'deb', spec, version: base },
      next: { kind: 'deb', spec, version: next },
    });
  }
  return pairs;
}

/** The release's package file in the cache, fetched when missing. */
export async function fetchRelease(release: Release): Promise<string> {
  const dir = join(benchDataDir(), release.kind);
  await mkdir(dir, { recursive: true });
  if (release.kind === 'npm') {
    const file = join(
      dir,
      `${release.spec.replace(/^@/, '').replace('/', '-')}-${release.version}.tgz`,
    );
    if (!(await exists(file))) {
      await run('npm', ['pack', `${release.spec}@${release.version}`, '--silent'], dir);
    }
    return file;
  }
  const prefix = `${release.spec}_${release.version.replace(/:/g, '%3a')}_`;
  const cached = (await readdir(dir)).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
  if (cached !== undefined) return join(dir, cached);
  await run('apt-get', ['download', '-qq', `${release.spec}=${release.version}`], dir);
  const fetched = (await readdir(dir)).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
  if (fetched === undefined) throw new Error(`apt-get download left no ${prefix}*.deb`);
  return join(dir, fetched);
}

/** Unpacks a package file into `dest` (npm: the tarball; Debian: the data archive). */
export async function unpackRelease(release: Release, file: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  if (release.kind === 'npm') await run('tar', ['-xzf', file, '-C', dest], dest);
  else await run('dpkg-deb', ['-x', file, dest], dest);
  // bundles carry regular files; symbolic links (Debian's, mostly) are left out of both versions
  await run('find', [dest, '-type', 'l', '-delete'], dest);
}

async function debVersions(spec: string): Promise<string[]> {
  const out = await run('apt-cache', ['madison', spec], process.cwd()).catch(() => '');
  const versions = out
    .split('\n')
    .map((line) => line.split('|')[1]?.trim())
    .filter((v): v is string => v !== undefined && v !== '');
  return [...new Set(versions)].sort((a, b) => compareVersions('Debian', b, a)); // newest first
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.trim()}`));
    });
  });
}
