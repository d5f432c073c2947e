import { ERROR_CODES, PatchcastError } from '@patchcast/core';
import type { ErrorCode } from '@patchcast/core';
import type { ErrorBody } from '@patchcast/protocol';

const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  INVALID_INPUT: 400,
  BUNDLE_MALFORMED: 400,
  BUNDLE_PATH_UNSAFE: 400,
  METADATA_INVALID: 400,
  ROOT_DRAFT_INVALID: 400,
  ROOT_VERSION_INVALID: 409,
  ROOT_THRESHOLD_UNMET: 400,
  ROOT_EXPIRED: 400,
  ROOT_ONLINE_KEYS_MISSING: 400,
  ROOT_TARGETS_UNSIGNED: 400,
  DELEGATION_INVALID: 400,
  DELEGATION_OVERLAP: 409,
  DELEGATION_PATH_DENIED: 400,
  KEY_INVALID: 400,
  UNAUTHENTICATED: 401,
  ENROLL_TOKEN_INVALID: 401,
  SECURITY_AUTH_FAILED: 401,
  FORBIDDEN: 403,
  DEVICE_REVOKED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PLAN_INVALID: 400,
  ROLLOUT_TRANSITION_REFUSED: 409,
  PATCH_WITHDRAWN: 409,
  PATCH_DOWNGRADE_REFUSED: 409,
  WAVE_EMPTY: 409,
  ROLLOUT_NEWER_INSTALLED: 409,
  ROLLBACK_STALE: 409,
  PAYLOAD_TOO_LARGE: 413,
  DISK_FULL: 507,
  RATE_LIMITED: 429,
  WEBHOOK_DESTINATION_REFUSED: 400,
  WEBHOOK_SECRET_INVALID: 400,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code] ?? (code.startsWith('SECURITY_') ? 400 : 500);
}

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
  return new PatchcastError('INTERNAL', ERROR_CODES.INTERNAL, { cause: error });
}
