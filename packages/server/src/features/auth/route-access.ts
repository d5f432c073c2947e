/**
 * The role table: who may call each route, in one place (docs/security.md prints it). Every
 * route the server registers must have a row, or the server refuses to start; a test calls every
 * row with every role. HEAD follows GET.
 */
import type { FastifyInstance } from 'fastify';
import {
  AGENT_CHANNEL_PATH,
  CONSOLE_PAGES,
  CONSOLE_ROUTES,
  LOG_ROUTES,
  METRICS_PATH,
  ROLLOUT_ROUTES,
  ROUTES,
  VULN_ROUTES,
  WEBHOOK_ROUTES,
} from '@patchcast/protocol';
import type { Role } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import { PatchcastError } from '@patchcast/core';
import { authenticate } from './authenticate.js';
import type { FailureCounter } from '../limits/limits.js';
import type { ConsoleSessions } from '../console/sessions.js';
import { hasSessionCookie, sessionPrincipal } from '../console/session-auth.js';

/** `public`: no API token (the route checks its own credential or serves public data). */
export type Access = Role | 'public';

export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  // public: health, the TUF repository and the transparency log are for everyone to verify
  'GET /healthz': 'public',
  'GET /tuf/metadata/:file': 'public',
  'GET /tuf/targets/*': 'public',
  [`GET ${LOG_ROUTES.checkpoint}`]: 'public',
  [`GET ${LOG_ROUTES.key}`]: 'public',
  [`GET ${LOG_ROUTES.tiles}`]: 'public',
  [`GET ${LOG_ROUTES.patchProof}`]: 'public',
  [`GET ${LOG_ROUTES.consistencyProof}`]: 'public',
  [`GET ${LOG_ROUTES.keyTransitions}`]: 'public',
  // the API's description: no secrets, and tools read it before they hold a token
  [`GET ${ROUTES.openapi}`]: 'public',
  // devices authenticate themselves: a single-use enrollment token, then their device key
  [`POST ${ROUTES.enroll}`]: 'public',
  [`GET ${AGENT_CHANNEL_PATH}`]: 'public',
  // the console (ADR 0035): its pages and assets hold no data; signing in checks the token itself
  ...Object.fromEntries(CONSOLE_PAGES.map((page) => [`GET ${page}`, 'public'])),
  'GET /assets/*': 'public',
  [`POST ${CONSOLE_ROUTES.session}`]: 'public',
  [`DELETE ${CONSOLE_ROUTES.session}`]: 'public',
  // viewer: read the fleet, rollouts, patches and findings
  [`GET ${ROUTES.status}`]: 'viewer',
  [`GET ${ROUTES.devices}`]: 'viewer',
  [`GET ${ROUTES.deviceResults}`]: 'viewer',
  [`GET ${ROUTES.rollouts}`]: 'viewer',
  [`GET ${ROUTES.rollout}`]: 'viewer',
  [`GET ${ROLLOUT_ROUTES.progress}`]: 'viewer',
  [`GET ${ROUTES.patches}`]: 'viewer',
  [`GET ${ROUTES.repositoryRoles}`]: 'viewer',
  [`GET ${VULN_ROUTES.findings}`]: 'viewer',
  [`GET ${VULN_ROUTES.queue}`]: 'viewer',
  [`GET ${VULN_ROUTES.coverage}`]: 'viewer',
  [`GET ${VULN_ROUTES.report}`]: 'viewer',
  [`GET ${VULN_ROUTES.imports}`]: 'viewer',
  [`GET ${METRICS_PATH}`]: 'viewer',
  [`GET ${CONSOLE_ROUTES.session}`]: 'viewer',
  [`GET ${CONSOLE_ROUTES.events}`]: 'viewer',
  // operator: enroll, label, revoke and remove devices, run rollouts, import advisories
  [`POST ${ROUTES.enrollTokens}`]: 'operator',
  [`GET ${ROUTES.enrollTokens}`]: 'operator',
  [`DELETE ${ROUTES.enrollToken}`]: 'operator',
  [`POST ${ROUTES.deviceLabels}`]: 'operator',
  [`POST ${ROUTES.deviceRevoke}`]: 'operator',
  [`DELETE ${ROUTES.device}`]: 'operator',
  [`POST ${ROUTES.rollouts}`]: 'operator',
  [`POST ${ROLLOUT_ROUTES.action}`]: 'operator',
  [`POST ${VULN_ROUTES.imports}`]: 'operator',
  [`POST ${VULN_ROUTES.importAdvisories}`]: 'operator',
  [`PUT ${VULN_ROUTES.importData}`]: 'operator',
  [`POST ${VULN_ROUTES.importCommit}`]: 'operator',
  // operator: webhooks and their deliveries (a receiver's URL may carry a secret of its own)
  [`GET ${WEBHOOK_ROUTES.webhooks}`]: 'operator',
  [`GET ${WEBHOOK_ROUTES.deliveries}`]: 'operator',
  // publisher: upload artifacts and submit signed targets metadata (publish, withdraw)
  [`PUT ${ROUTES.artifact}`]: 'publisher',
  [`GET ${ROUTES.targets}`]: 'publisher',
  [`POST ${ROUTES.targets}`]: 'publisher',
  // admin: root rotation, API tokens and webhooks
  [`POST ${ROUTES.root}`]: 'admin',
  [`POST ${ROUTES.tokens}`]: 'admin',
  [`GET ${ROUTES.tokens}`]: 'admin',
  [`DELETE ${ROUTES.token}`]: 'admin',
  [`POST ${WEBHOOK_ROUTES.webhooks}`]: 'admin',
  [`DELETE ${WEBHOOK_ROUTES.webhook}`]: 'admin',
};

export function accessOf(method: string, url: string): Access | undefined {
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

export interface AccessDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly failures: FailureCounter;
  /** Console sessions: a request without a bearer token may carry a session cookie instead. */
  readonly sessions: ConsoleSessions;
  /** Origins a change made with a session cookie may come from besides the request's own. */
  readonly origins: readonly string[];
}

/**
 * Enforces the table: a route without a row fails at registration (the server does not start),
 * and every request is authenticated for its route's role before its handler runs, by its
 * bearer token or, without one, by a console session cookie (with its CSRF checks).
 */
export function enforceRouteAccess(app: FastifyInstance, deps: AccessDeps): void {
  const { store, now, failures } = deps;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (accessOf(method, route.url) === undefined)
        throw new Error(`route ${method} ${route.url} has no row in ROUTE_ACCESS`);
    }
  });
  app.addHook('preHandler', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no such route: the 404 handler answers
    const access = accessOf(request.method, url);
    if (access === 'public') return;
    try {
      const needed = access ?? 'admin';
      const bySession = request.headers.authorization === undefined && hasSessionCookie(request);
      request.principal = bySession
        ? await sessionPrincipal(request, deps, needed, now())
        : await authenticate(request, store, needed, now());
    } catch (error) {
      // A token that was presented and refused counts towards the address's failure limit.
      const presented = request.headers.authorization !== undefined;
      if (presented && error instanceof PatchcastError && error.code === 'UNAUTHENTICATED')
        failures.record(request.ip);
      throw error;
    }
  });
}
