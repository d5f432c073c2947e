/** Helpers for the trust tests: key holders made by `patchcast keys generate`, CLI expectations. */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Harness, CliResult } from '../harness.js';

/**
 * Makes a key holder with `patchcast keys generate` (run in this process: setup); returns its
 * private key file (FILE.pub is public).
 */
export async function keyHolder(h: Harness, name: string): Promise<string> {
  await mkdir(join(h.dir, 'holders'), { recursive: true });
  const file = join(h.dir, 'holders', `${name}.key`);
  await setup(h, ['keys', 'generate', '--out', file]);
  return file;
}

/** Asserts a CLI run failed with `code` (printed as `error[CODE]`) and exit status 1. */
export function assertRefused(result: CliResult, code: string, message?: RegExp): void {
  assert.equal(result.code, 1, `expected a refusal, got exit ${result.code}: ${result.stdout}`);
  assert.match(result.stderr, new RegExp(`error\\[${code}\\]`), result.stderr);
  if (message !== undefined) assert.match(result.stderr, message);
}

export async function ok(h: Harness, args: readonly string[]): Promise<CliResult> {
  const result = await h.cli(args);
  assert.equal(result.code, 0, `patchcast ${args.join(' ')}: ${result.stderr}`);
  return result;
}

/** As `ok`, but run inside this process: for setup the test does not examine. */
export async function setup(h: Harness, args: readonly string[]): Promise<CliResult> {
  const result = await h.here(args);
  assert.equal(result.code, 0, `patchcast ${args.join(' ')}: ${result.stderr}`);
  return result;
}

export const serverKey = (h: Harness, role: string): string =>
  join(h.dir, 'server', 'keys', `${role}.key`);
