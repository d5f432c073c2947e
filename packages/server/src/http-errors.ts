import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CATALOG, PatchcastError, httpStatusOf } from '@patchcast/core';
import type { ErrorBody } from '@patchcast/protocol';

export function errorBody(error: PatchcastError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    },
  };
}

/** Maps framework errors (body too large, bad JSON, bad content type) onto catalog codes. */
export function toPatchcastError(error: unknown): PatchcastError {
  if (error instanceof PatchcastError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new PatchcastError('PAYLOAD_TOO_LARGE', 'request body is too large');
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new PatchcastError('UNSUPPORTED_MEDIA_TYPE', `${e.message ?? 'unsupported'} here`);
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new PatchcastError('INVALID_INPUT', e.message ?? 'bad request');
  }
  return new PatchcastError('INTERNAL', ERROR_CATALOG.INTERNAL.summary, { cause: error });
}

/**
 * Node's own refusals of a request it could not parse (header section over 16 KiB, a malformed
 * request line, a request that took too long), answered in the catalog's body shape like every
 * other refusal; the connection is closed, as Node does. Fastify's `clientErrorHandler`.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const refusal =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? new PatchcastError('HEADERS_TOO_LARGE', 'the request headers exceed 16 KiB')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new PatchcastError('REQUEST_TIMEOUT', 'the request did not arrive in time')
          : new PatchcastError(
              'INVALID_INPUT',
              `malformed HTTP request (${error.code ?? 'parse error'})`,
            );
    const status = httpStatusOf(refusal.code);
    const body = JSON.stringify(errorBody(refusal));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
