/**
 * The console's HTTP client: same-origin requests carrying the session cookie, and on every
 * state-changing request the session's CSRF token in a header (docs/security.md "Console").
 */
import type { ErrorBody } from '@patchcast/protocol';
import { CSRF_HEADER_NAME } from './paths.js';

/** A refusal of the API, with the catalog's code (docs/errors.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** Set once signed in (from the session's answer); cleared on sign-out. */
export function useCsrf(token: string | undefined): void {
  csrfToken = token;
}

/** Called when any request finds the session gone (expired, signed out elsewhere). */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers[CSRF_HEADER_NAME] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = (json as Partial<ErrorBody> | undefined)?.error;
    if (response.status === 401 && !path.endsWith('/session')) onSignedOut();
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_' + String(response.status),
      error?.message ?? response.statusText,
      error?.hint,
    );
  }
  return json as T;
}

/** A route pattern with its `:params` filled in, each URI-encoded. */
export function fill(pattern: string, params: Readonly<Record<string, string>>): string {
  return pattern.replace(/:([a-zA-Z]+)/g, (_m, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
}
