/**
 * The route table's rows for the operator console (ADR 0035): its pages and assets, the session
 * made from an API token, and the stream of changes.
 */
import {
  CONSOLE_PAGES,
  CONSOLE_ROUTES,
  createSessionRequest,
  sessionResponse,
} from '@patchcast/protocol';
import { json } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

const tag = 'console';

const PAGE: RouteSpec['response'] = {
  mediaType: 'text/html',
  description: "The console's index.html; the page itself routes in the browser.",
};

export const CONSOLE_TABLE: readonly RouteSpec[] = [
  ...CONSOLE_PAGES.map((path): RouteSpec => ({
    method: 'GET',
    path,
    tag,
    summary: 'A console page',
    response: PAGE,
  })),
  {
    method: 'GET',
    path: '/assets/*',
    tag,
    summary: "The console's scripts and styles (hashed names, cached for a year)",
    response: { mediaType: 'text/javascript', description: 'A built file of the console.' },
  },
  {
    method: 'POST',
    path: CONSOLE_ROUTES.session,
    tag,
    summary: 'Sign in to the console with an API token',
    description:
      'Answers with an HttpOnly, SameSite=Strict session cookie (Secure under TLS) and the CSRF ' +
      'token that changes made with the cookie must send in `x-patchcast-csrf`.',
    body: json('CreateSessionRequest', createSessionRequest, {
      token: 'pc_Zm9vYmFyYmF6cXV4cXV1eA',
    }),
    response: json('SessionResponse', sessionResponse, {
      name: 'alice',
      role: 'operator',
      csrf: 'Yp0kQ2…',
      expiresAt: '2026-12-08T00:00:00.000Z',
    }),
    errors: ['UNAUTHENTICATED'],
  },
  {
    method: 'GET',
    path: CONSOLE_ROUTES.session,
    tag,
    summary: 'The console session the cookie names: who, which role, its CSRF token',
    response: json('SessionResponse', sessionResponse, {
      name: 'alice',
      role: 'operator',
      csrf: 'Yp0kQ2…',
      expiresAt: '2026-12-08T00:00:00.000Z',
    }),
    errors: ['NOT_FOUND'],
  },
  {
    method: 'DELETE',
    path: CONSOLE_ROUTES.session,
    tag,
    summary: 'Sign out: ends the session and clears its cookie',
    status: 204,
    response: { description: 'No content.' },
    errors: ['CSRF_REFUSED'],
  },
  {
    method: 'GET',
    path: CONSOLE_ROUTES.events,
    tag,
    summary: 'Server-sent events: which rollout, device or log changed',
    description:
      'A `text/event-stream` of `change` events whose data is `{kind, id?, at}`; read the ' +
      'object again through the API. Changes are coalesced for 200 ms.',
    response: {
      mediaType: 'text/event-stream',
      description: 'One `change` event per changed object.',
      example:
        'event: change\ndata: {"kind":"rollout","id":"ro_8d2e41c0","at":"2026-12-07T12:00:00.000Z"}\n\n',
    },
    errors: ['RATE_LIMITED'],
  },
];
