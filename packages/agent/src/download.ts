/**
 * Resumable HTTP downloads into a file. After a dropped connection or a transient server error,
 * the next attempt (jittered exponential backoff) asks for the rest with `Range: bytes=N-` when
 * the server advertised `Accept-Ranges: bytes`, and starts over when it answers 200 instead.
 * Nothing is ever read past `maxLength`, the length that signed metadata allows. With `resume`,
 * a partial file left by an earlier run is continued the same way (docs/protocol/bundle.md §8).
 */
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchcastError, SecurityError } from '@patchcast/core/base';
import { httpRequest } from '@patchcast/protocol/agent';
import type { HttpResponse } from '@patchcast/protocol/agent';
import { DEFAULT_ATTEMPTS, backoffDelay } from './fetch/retry-policy.js';

export interface DownloadOptions {
  /** The most bytes the file may have (TUF: the target's signed length). */
  readonly maxLength: number;
  /** Requests before giving up (default 5). */
  readonly attempts?: number;
  /** First retry delay; doubled each time, with jitter (default 250 ms). */
  readonly baseDelayMs?: number;
  /** Limit for one request (default 60 s). */
  readonly timeoutMs?: number;
  /** Optional bandwidth cap in bytes per second (absent or 0: none). */
  readonly maxBytesPerSecond?: number;
  /**
   * Continue a partial `dest` left by an earlier run (an agent restart) with `Range: bytes=N-`,
   * and keep what was received when this run fails; the caller checks the whole file's hash.
   */
  readonly resume?: boolean;
  readonly log?: (line: string) => void;
}

export interface DownloadResult {
  readonly length: number;
  /** Requests made, the first included. */
  readonly requests: number;
}

/** Thrown by one attempt for a failure worth retrying. */
class Transient extends Error {}

/**
 * Downloads `url` into `dest` (created or truncated; with `resume`, continued). Null when the
 * server has no such file.
 */
export async function downloadToFile(
  url: string,
  dest: string,
  options: DownloadOptions,
): Promise<DownloadResult | null> {
  const handle = await openDest(dest, options.resume === true);
  let keep = false;
  try {
    const state = await initialProgress(handle, options);
    const complete = state.have > 0 && state.have === options.maxLength; // kept by an earlier run
    const result = complete
      ? { length: state.have, requests: 0 }
      : await attemptAll(url, handle, state, options);
    if (result !== null) await handle.sync();
    keep = result !== null;
    return result;
  } catch (error) {
    keep = options.resume === true && !(error instanceof SecurityError);
    throw error;
  } finally {
    await handle.close();
    if (!keep) await rm(dest, { force: true });
  }
}

async function openDest(dest: string, resume: boolean): Promise<FileHandle> {
  if (!resume) return open(dest, 'w', 0o600);
  try {
    return await open(dest, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return open(dest, 'w', 0o600);
  }
}

/** A partial file longer than the signed length cannot be a prefix of it: start over. */
async function initialProgress(handle: FileHandle, options: DownloadOptions): Promise<Progress> {
  const have = options.resume === true ? (await handle.stat()).size : 0;
  if (have > options.maxLength) {
    await handle.truncate(0);
    return { have: 0, resumable: false };
  }
  if (have > 0) options.log?.(`resuming a partial download at byte ${have}`);
  return { have, resumable: have > 0 };
}

async function attemptAll(
  url: string,
  handle: FileHandle,
  state: Progress,
  options: DownloadOptions,
) {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  for (let request = 1; ; request++) {
    try {
      const finished = await attemptOnce(url, handle, state, options);
      return finished ? { length: state.have, requests: request } : null;
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      if (request >= attempts) {
        throw new PatchcastError(
          'SERVER_UNREACHABLE',
          `download of ${url} failed ${attempts} times: ${error.message}`,
          {
            hint: 'check the network path to the server; the next notice or restart tries again',
          },
        );
      }
      const delay = backoffDelay(request, options.baseDelayMs);
      options.log?.(
        `${url}: ${error.message}; resuming at byte ${state.have} in ${Math.round(delay)} ms`,
      );
      await sleep(delay);
    }
  }
}

interface Progress {
  have: number;
  /** The server said it serves byte ranges of this file. */
  resumable: boolean;
}

/** One request: true when the file is complete, false on 404; throws Transient to retry. */
async function attemptOnce(
  url: string,
  handle: FileHandle,
  state: Progress,
  options: DownloadOptions,
): Promise<boolean> {
  const resume = state.resumable && state.have > 0;
  const response = await request(url, resume ? state.have : 0, options);
  if (response.status === 404) {
    await response.body.cancel();
    return false;
  }
  const start = startOffset(response, resume ? state.have : 0);
  if (start === undefined) {
    await response.body.cancel();
    if (!resume) {
      throw new PatchcastError('SERVER_ERROR', `GET ${url} answered HTTP ${response.status}`);
    }
    state.resumable = false; // a range answer we did not ask for: start over
    throw new Transient(`HTTP ${response.status} to a range request`);
  }
  if (start !== state.have) {
    state.have = 0;
    await handle.truncate(0);
  }
  state.resumable = response.headers.get('accept-ranges') === 'bytes' || response.status === 206;
  const total = totalLength(response, start);
  if (total !== undefined && total > options.maxLength) {
    await response.body.cancel();
    throw tooLong(url, options.maxLength);
  }
  await receive(url, response, handle, state, options);
  if (total !== undefined && state.have < total) {
    throw new Transient(`connection closed after ${state.have} of ${total} bytes`);
  }
  return true;
}

async function request(url: string, from: number, options: DownloadOptions): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await httpRequest(url, {
      headers: from > 0 ? { range: `bytes=${from}-` } : {},
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  } catch (error) {
    throw new Transient(`cannot fetch: ${causeOf(error)}`);
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    await response.body.cancel();
    throw new Transient(`HTTP ${response.status}`);
  }
  return response;
}

/** Where the body starts: 0 for a 200, the Content-Range start for a 206, else undefined. */
function startOffset(response: HttpResponse, asked: number): number | undefined {
  if (response.status === 200) return 0;
  if (response.status !== 206) return undefined;
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  const start = Number(match?.[1]);
  return match === null || start !== asked ? undefined : start;
}

function totalLength(response: HttpResponse, start: number): number | undefined {
  if (response.status === 206) {
    const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
    if (total !== undefined) return Number(total);
  }
  const length = response.headers.get('content-length');
  return length === null ? undefined : start + Number(length);
}

async function receive(
  url: string,
  response: HttpResponse,
  handle: FileHandle,
  state: Progress,
  options: DownloadOptions,
): Promise<void> {
  const started = performance.now();
  let received = 0;
  try {
    for await (const chunk of response.body) {
      if (state.have + chunk.length > options.maxLength) throw tooLong(url, options.maxLength);
      await handle.write(chunk, 0, chunk.length, state.have);
      state.have += chunk.length;
      received += chunk.length;
      await throttle(received, started, options.maxBytesPerSecond);
    }
  } catch (error) {
    if (error instanceof PatchcastError) throw error;
    throw new Transient(`connection dropped: ${causeOf(error)}`);
  }
}

async function throttle(bytes: number, started: number, rate: number | undefined): Promise<void> {
  if (rate === undefined || rate <= 0) return;
  const ahead = (bytes / rate) * 1000 - (performance.now() - started);
  if (ahead > 1) await sleep(ahead);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export function tooLong(url: string, maxLength: number): SecurityError {
  return new SecurityError(
    'SECURITY_LENGTH_EXCEEDED',
    `${url} is longer than the ${maxLength} bytes allowed`,
  );
}
