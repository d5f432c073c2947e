/**
 * A request authenticated by the console's session cookie instead of a bearer token. Changes
 * (every method but GET and HEAD) must also carry the session's CSRF token in a header and, when
 * the browser names the page's origin, come from this server's origin (docs/security.md).
 */
import type { FastifyRequest } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { CSRF_HEADER, SESSION_COOKIE } from '@patchcast/protocol';
import type { Role } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import { admitToken } from '../auth/authenticate.js';
import type { Principal } from '../auth/authenticate.js';
import { cookieValue } from './cookies.js';
import { sameSecret } from './sessions.js';
import type { ConsoleSession, ConsoleSessions } from './sessions.js';

/** The session the request's cookie names, if it is live. */
export async function sessionOf(
  request: FastifyRequest,
  sessions: ConsoleSessions,
  now: Date,
): Promise<{ id: string; session: ConsoleSession } | undefined> {
  const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (id === undefined || id === '') return undefined;
  const session = await sessions.find(id, now.getTime());
  return session === undefined ? undefined : { id, session };
}

export function hasSessionCookie(request: FastifyRequest): boolean {
  return cookieValue(request.headers.cookie, SESSION_COOKIE) !== undefined;
}

/** The origins of the server's public URLs (`--public-url`), as browsers write `Origin`. */
export function publicOrigins(urls: readonly string[] | undefined): string[] {
  return (urls ?? []).flatMap((url) => {
    try {
      return [new URL(url).origin];
    } catch {
      return [];
    }
  });
}

/** The origin this request was sent to, as a browser would write it in `Origin`. */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Refuses a change without the session's CSRF token or from another origin than this server's:
 * the one the request reached, or one of `origins` (those of --public-url, behind a proxy).
 */
export function checkCsrf(
  request: FastifyRequest,
  session: ConsoleSession,
  origins: readonly string[],
): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(request) && !origins.includes(origin))
    throw new PatchcastError('CSRF_REFUSED', `a change sent from ${origin.slice(0, 200)}`, {
      hint: 'only the console page of this server may make changes with its session cookie',
    });
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, session.csrf))
    throw new PatchcastError(
      'CSRF_REFUSED',
      `a change made with the session cookie needs the ${CSRF_HEADER} header of that session`,
    );
}

/** Authenticates by the session cookie: a live session, its CSRF token, then the token's checks. */
export async function sessionPrincipal(
  request: FastifyRequest,
  deps: {
    readonly store: Store;
    readonly sessions: ConsoleSessions;
    readonly origins: readonly string[];
  },
  needed: Role,
  now: Date,
): Promise<Principal> {
  const found = await sessionOf(request, deps.sessions, now);
  if (found === undefined)
    throw new PatchcastError('UNAUTHENTICATED', 'the console session ended or is unknown', {
      hint: 'sign in again with an API token',
    });
  checkCsrf(request, found.session, deps.origins);
  return admitToken(await deps.store.findApiToken(found.session.tokenHash), needed, now);
}
