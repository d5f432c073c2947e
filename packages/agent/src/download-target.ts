/**
 * Target downloads that survive an agent restart. A target is content-addressed
 * (`<dir>/<sha256>.<name>`), so a partial download is kept at
 * `<data>/downloads/<sha256>.<length>.part` and the next attempt, in this run or the next,
 * continues it with `Range: bytes=N-`. A partial file of another hash or signed length is
 * discarded; a completed file whose SHA-256 is not the one in its name is discarded and fetched
 * once more from the start (the updater checks the hash against signed metadata in any case).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { RepositoryOps } from '@patchcast/core';
import { downloadToFile } from './download.js';

export interface TargetDownloadOptions {
  /** Metadata reads (and targets whose path is not content-addressed) go here. */
  readonly base: RepositoryOps;
  /** The server the agent is connected to now. */
  readonly server: () => string;
  readonly dataDir: string;
  /** Bandwidth cap in bytes per second; absent or 0: none. */
  readonly maxBytesPerSecond?: number | undefined;
  readonly log?: (line: string) => void;
}

const CONTENT_ADDRESSED = /(?:^|\/)([0-9a-f]{64})\.[^/]+$/;

export function downloadsDir(dataDir: string): string {
  return join(dataDir, 'downloads');
}

export function targetDownloads(options: TargetDownloadOptions): RepositoryOps {
  return {
    fetchMetadata: (file, maxLength) => options.base.fetchMetadata(file, maxLength),
    fetchTarget: async (path, length) => {
      const sha256 = CONTENT_ADDRESSED.exec(path)?.[1];
      if (sha256 === undefined) return options.base.fetchTarget(path, length);
      return fetchKept(options, path, sha256, length);
    },
  };
}

async function fetchKept(
  options: TargetDownloadOptions,
  path: string,
  sha256: string,
  length: number,
): Promise<Uint8Array> {
  const dir = downloadsDir(options.dataDir);
  const part = `${sha256}.${length}.part`;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await discardOthers(dir, part);
  const file = join(dir, part);
  const url = `${options.server()}/tuf/targets/${path}`;
  for (let attempt = 1; ; attempt++) {
    const result = await downloadToFile(url, file, {
      maxLength: length,
      resume: true,
      ...(options.maxBytesPerSecond ? { maxBytesPerSecond: options.maxBytesPerSecond } : {}),
      ...(options.log ? { log: (line: string) => options.log?.(`${path}: ${line}`) } : {}),
    });
    if (result === null)
      throw new PatchcastError('NOT_FOUND', `the repository has no target file ${path}`);
    const bytes = new Uint8Array(await readFile(file));
    await rm(file, { force: true });
    if (attempt > 1 || createHash('sha256').update(bytes).digest('hex') === sha256) return bytes;
    options.log?.(`${path}: the kept download does not match its hash; starting over`);
  }
}

/** Partial downloads of other targets (or of another signed length) are of no use any more. */
async function discardOthers(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name !== keep && name.endsWith('.part')) await rm(join(dir, name), { force: true });
  }
}
