import { ERROR_CATALOG, PatchcastError } from '@patchcast/core';
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

/** Maps framework errors (body too large, bad JSON) onto catalog codes. */
export function toPatchcastError(error: unknown): PatchcastError {
  if (error instanceof PatchcastError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new PatchcastError('PAYLOAD_TOO_LARGE', 'request body is too large');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new PatchcastError('INVALID_INPUT', e.message ?? 'bad request');
  }
  return new PatchcastError('INTERNAL', ERROR_CATALOG.INTERNAL.summary, { cause: error });
}
