/** Bounded HTTP GETs: a download never reads past the length that trusted metadata allows. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, SecurityError } from '@patchcast/core/base';
import { httpRequest } from '@patchcast/protocol/agent';
import type { HttpResponse } from '@patchcast/protocol/agent';
import { downloadToFile } from './download.js';

export interface FetchResult {
  readonly status: number;
  readonly bytes: Uint8Array;
}

export async function fetchBounded(
  url: string,
  maxLength: number,
  timeoutMs = 60_000,
): Promise<FetchResult | null> {
  if (isTargetUrl(url)) return fetchResumable(url, maxLength, timeoutMs);
  let response: HttpResponse;
  try {
    response = await httpRequest(url, { timeoutMs });
  } catch (error) {
    throw new PatchcastError(
      'SERVER_UNREACHABLE',
      `cannot fetch ${url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (response.status === 404) {
    await response.body.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body.cancel();
    throw new PatchcastError('SERVER_ERROR', `GET ${url} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxLength) {
    await response.body.cancel();
    throw tooLong(url, maxLength);
  }
  return { status: response.status, bytes: await readLimited(response, url, maxLength) };
}

async function readLimited(
  response: HttpResponse,
  url: string,
  maxLength: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxLength) throw tooLong(url, maxLength); // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function tooLong(url: string, maxLength: number): SecurityError {
  return new SecurityError(
    'SECURITY_LENGTH_EXCEEDED',
    `${url} is longer than the ${maxLength} bytes allowed`,
  );
}

/**
 * TUF targets are content-addressed (`/tuf/targets/<dir>/<sha256>.<name>`), so they never change
 * and a dropped download can safely resume with a byte range; metadata files can change between
 * two requests and are always fetched whole.
 */
function isTargetUrl(url: string): boolean {
  return /\/tuf\/targets\/(?:.*\/)?[0-9a-f]{64}\.[^/]+$/.test(new URL(url).pathname);
}

/** Downloads into a private temporary file (resuming after drops), then reads it once. */
async function fetchResumable(
  url: string,
  maxLength: number,
  timeoutMs: number,
): Promise<FetchResult | null> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-download-'));
  try {
    const file = join(dir, 'target');
    const result = await downloadToFile(url, file, { maxLength, timeoutMs });
    return result === null ? null : { status: 200, bytes: new Uint8Array(await readFile(file)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
