/**
 * Makes a zstd-patch-from/v1 delta with the `zstd` program (1.4.5 or later, `--patch-from`):
 * publishers run it, endpoints never do (they decode with WebAssembly; ADR 0037).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bounded: a delta of a 128 MiB bundle takes well under this on one core. */
const ZSTD_TIMEOUT_MS = 10 * 60 * 1000;

export type DeltaMaker = (base: Uint8Array, next: Uint8Array) => Promise<Uint8Array | undefined>;

/** The delta from `base` to `next`; undefined when no `zstd` program can be run. */
export const zstdPatchFrom: DeltaMaker = async (base, next) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-delta-'));
  try {
    await writeFile(join(dir, 'base'), base);
    await writeFile(join(dir, 'next'), next);
    const args = ['-q', '-f', '-19', '--long=27', '--patch-from=base', 'next', '-o', 'delta'];
    const ran = await run(process.env.PATCHCAST_ZSTD ?? 'zstd', args, dir);
    if (ran === 'missing') return undefined;
    if (ran !== 0) throw new Error(`zstd --patch-from exited with ${ran}`);
    return new Uint8Array(await readFile(join(dir, 'delta')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

function run(command: string, args: readonly string[], cwd: string) {
  return new Promise<number | 'missing'>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4096);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ZSTD_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') resolve('missing');
      else reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && stderr !== '') process.emitWarning(`zstd: ${stderr.trim()}`);
      resolve(code ?? 1);
    });
  });
}
