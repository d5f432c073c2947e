/**
 * Signing in to the console (ADR 0035): POST the API token in the body (never in a URL), get a
 * session cookie and the session's CSRF token; GET says who is signed in; DELETE signs out.
 */
import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { CONSOLE_ROUTES, createSessionRequest } from '@patchcast/protocol';
import type { SessionResponse } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import { hashToken } from '../auth/api-tokens.js';
import { admitToken } from '../auth/authenticate.js';
import type { Principal } from '../auth/authenticate.js';
import type { FailureCounter } from '../limits/limits.js';
import { clearedSessionCookie, sessionCookie } from './cookies.js';
import { checkCsrf, sessionOf } from './session-auth.js';
import type { ConsoleSession, ConsoleSessions } from './sessions.js';

export interface SessionRouteDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly sessions: ConsoleSessions;
  readonly failures: FailureCounter;
  /** Served over TLS: the cookie is Secure. */
  readonly secure: boolean;
  /** Origins besides the request's own that may send changes (--public-url). */
  readonly origins: readonly string[];
}

function answer(principal: Principal, session: ConsoleSession): SessionResponse {
  return {
    name: principal.name,
    role: principal.role,
    csrf: session.csrf,
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

export function sessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  const { store, now, sessions, secure } = deps;
  app.post(CONSOLE_ROUTES.session, async (request, reply) => {
    const { token } = createSessionRequest.parse(request.body);
    const hash = hashToken(token);
    let principal: Principal;
    try {
      principal = admitToken(await store.findApiToken(hash), 'viewer', now());
    } catch (error) {
      deps.failures.record(request.ip);
      throw error;
    }
    const at = now().getTime();
    const { id, session } = await sessions.create(hash, principal, at);
    const maxAge = Math.floor((session.expiresAt - at) / 1000);
    void reply.header('set-cookie', sessionCookie(id, maxAge, secure));
    void reply.header('cache-control', 'no-store');
    request.log.info({ token: principal.name }, 'console sign-in');
    return answer(principal, session);
  });
  app.get(CONSOLE_ROUTES.session, async (request, reply) => {
    const found = await sessionOf(request, sessions, now());
    const principal = request.principal;
    if (found === undefined || principal === undefined)
      throw new PatchcastError('NOT_FOUND', 'this request carries no console session', {
        hint: 'sign in to the console with POST /api/v1/session',
      });
    void reply.header('cache-control', 'no-store');
    return answer(principal, found.session);
  });
  app.delete(CONSOLE_ROUTES.session, async (request, reply) => {
    const at = now();
    const found = await sessionOf(request, sessions, at);
    if (found !== undefined) {
      checkCsrf(request, found.session, deps.origins);
      await sessions.delete(found.id, at.getTime());
    }
    void reply.header('set-cookie', clearedSessionCookie(secure));
    return reply.status(204).send();
  });
}
