import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PatchcastError, isHex } from '@patchcast/core';
import type { ByteRange, OpenArtifact } from './artifact-store.js';
import type { ReadableArtifactStore } from './cached-artifact-store.js';

/** Artifacts on local disk under `<dir>/sha256/<hex>`; uploads land via temp file + fsync + rename. */
export class LocalArtifactStore implements ReadableArtifactStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(join(this.#dir, 'sha256'), { recursive: true });
    await mkdir(join(this.#dir, 'incoming'), { recursive: true });
  }

  #path(sha256: string): string {
    if (!isHex(sha256, 32))
      throw new PatchcastError('INVALID_INPUT', 'artifact names are 64 lowercase hex digits');
    return join(this.#dir, 'sha256', sha256);
  }

  async put(sha256: string, body: Readable, maxLength: number): Promise<{ length: number }> {
    const final = this.#path(sha256);
    const temp = join(this.#dir, 'incoming', randomUUID());
    const handle = await open(temp, 'wx', 0o644);
    try {
      const length = await copyHashed(body, handle, sha256, maxLength);
      await handle.sync();
      await handle.close();
      await rename(temp, final);
      return { length };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw asStorageError(error);
    }
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.#path(sha256)).then(
      () => true,
      () => false,
    );
  }

  async open(sha256: string, range?: ByteRange): Promise<OpenArtifact | undefined> {
    const path = this.#path(sha256);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) return undefined;
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK, ...range });
    return { stream, length: info.size };
  }

  async length(sha256: string): Promise<number | undefined> {
    return (await stat(this.#path(sha256)).catch(() => undefined))?.size;
  }

  /** The whole artifact in memory (for the hot-artifact cache), or undefined when absent. */
  async read(sha256: string): Promise<Buffer | undefined> {
    return readFile(this.#path(sha256)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
  }
}

/**
 * Artifacts are streamed in 1 MiB reads: with the 64 KiB default, a 10 MiB download cost 160 reads
 * and 160 socket writes, and serving ran at 0.70x of nginx; at 1 MiB, 0.94x (docs/PERFORMANCE.md).
 */
const READ_CHUNK = 1024 * 1024;

/** Past this much extra, a refused upload is cut off instead of drained. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Copies and hashes the body. After a failure it keeps reading (and discarding) so that the client
 * finishes sending and can read the error response; breaking off would reset the connection.
 */
async function copyHashed(
  body: Readable,
  handle: FileHandle,
  sha256: string,
  maxLength: number,
): Promise<number> {
  const hash = createHash('sha256');
  const chunks = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let length = 0;
  let failure: Error | undefined;
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    length += next.value.length;
    if (failure !== undefined) {
      if (length > maxLength + MAX_DRAIN_BYTES) body.destroy();
      continue;
    }
    if (length > maxLength) {
      failure = new PatchcastError(
        'PAYLOAD_TOO_LARGE',
        `artifact is larger than the limit of ${maxLength} bytes`,
      );
      continue;
    }
    hash.update(next.value);
    await handle.write(next.value).catch((error: unknown) => (failure = asStorageError(error)));
  }
  if (failure !== undefined) throw failure;
  if (hash.digest('hex') !== sha256) {
    throw new PatchcastError('INVALID_INPUT', 'uploaded bytes do not hash to the artifact name', {
      hint: 'the upload was corrupted or the name is wrong; upload again',
    });
  }
  return length;
}

function asStorageError(error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
    return new PatchcastError('DISK_FULL', 'no space left to store the artifact', {
      hint: 'free disk space on the server',
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
