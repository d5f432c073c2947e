/** How a failed API request reads to a user: the same for the typed client and for enrollment. */
import { PatchcastError, errorFromCode, isErrorCode } from '@patchcast/core/base';
import { errorBodyGuard } from './error-body-guard.js';
import { tlsFailureOf } from './tls/tls-failure.js';

/** A request that got no answer: an untrusted or wrong certificate, else SERVER_UNREACHABLE. */
export function unreachable(server: string, error: unknown): PatchcastError {
  return (
    tlsFailureOf(error, server) ??
    new PatchcastError('SERVER_UNREACHABLE', `cannot reach ${server}: ${causeOf(error)}`, {
      hint: 'check --server (or PATCHCAST_SERVER): the URL `patchcast server` printed, http:// or https://, and that it runs',
      cause: error,
    })
  );
}

/**
 * An answer that is not 2xx: the server's error code, message and hint when it sent them; a
 * SECURITY_* code stays a SecurityError on this side.
 */
export async function errorFromResponse(response: {
  readonly status: number;
  json(): Promise<unknown>;
}): Promise<PatchcastError> {
  const body = errorBodyGuard.safeParse(await response.json().catch(() => undefined));
  if (body.success && isErrorCode(body.data.error.code)) {
    const { code, message, hint } = body.data.error;
    return errorFromCode(code, message, { hint });
  }
  return new PatchcastError('SERVER_ERROR', `the server answered HTTP ${response.status}`);
}

/** The answer's JSON checked against `schema` (SERVER_ERROR when it has another shape). */
export function answerOfShape<T>(
  json: unknown,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  path: string,
): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new PatchcastError(
      'SERVER_ERROR',
      `the server's answer to ${path} has an unexpected shape`,
      {
        hint: 'check that the CLI and the server are the same version',
      },
    );
  }
  return parsed.data;
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? error.cause.message : '';
    return cause || error.message;
  }
  return String(error);
}
