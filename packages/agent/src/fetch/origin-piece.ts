/**
 * One piece from the origin: `GET /tuf/targets/<dir>/<sha256>.<name>` with `Range: bytes=a-b`
 * (docs/protocol/bundle.md §8). Failures worth retrying throw `Transient`; the caller applies the
 * one retry policy (retry-policy.ts). Never reads more than the piece's length.
 */
import { PatchcastError, SecurityError } from '@patchcast/core/base';
import { httpRequest } from '@patchcast/protocol/agent';
import type { HttpResponse } from '@patchcast/protocol/agent';

export class Transient extends Error {}

export interface Span {
  readonly offset: number;
  readonly length: number;
}

export async function fetchOriginPiece(
  url: string,
  span: Span,
  total: number,
  timeoutMs: number,
): Promise<Uint8Array> {
  const last = span.offset + span.length - 1;
  let response: HttpResponse;
  try {
    response = await httpRequest(url, {
      headers: { range: `bytes=${span.offset}-${last}` },
      timeoutMs,
    });
  } catch (error) {
    throw new Transient(`cannot fetch: ${(error as Error).message}`);
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    await response.body.cancel();
    throw new Transient(`HTTP ${response.status}`);
  }
  if (!rangeAnswered(response, span, total)) {
    await response.body.cancel();
    if (response.status === 404)
      throw new PatchcastError('NOT_FOUND', `the repository has no target file at ${url}`);
    throw new PatchcastError(
      'SERVER_ERROR',
      `GET ${url} (a byte range) answered HTTP ${response.status}`,
    );
  }
  const bytes = await readAtMost(response, span.length).catch((error: unknown) => {
    if (error instanceof PatchcastError) throw error;
    throw new Transient(`connection dropped: ${(error as Error).message}`);
  });
  if (bytes.length < span.length)
    throw new Transient(`connection closed after ${bytes.length} of ${span.length} bytes`);
  return bytes;
}

/** A 206 for exactly our range, or a 200 when the piece is the whole file. */
function rangeAnswered(response: HttpResponse, span: Span, total: number): boolean {
  if (response.status === 200) return span.offset === 0 && span.length === total;
  if (response.status !== 206) return false;
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return (
    range !== null &&
    Number(range[1]) === span.offset &&
    Number(range[2]) === span.offset + span.length - 1
  );
}

/**
 * The body, cut off (and the stream cancelled) past `limit` bytes: a server that sends more than
 * it was asked for (or than the signed length) is refused, not retried.
 */
export async function readAtMost(response: HttpResponse, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > limit)
      throw new SecurityError(
        'SECURITY_LENGTH_EXCEEDED',
        `the answer is longer than the ${limit} bytes asked for`,
      );
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
