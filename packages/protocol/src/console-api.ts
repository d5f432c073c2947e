/**
 * The operator console's own routes (ADR 0035): a session made from an API token (a cookie, never
 * the token in a URL), its CSRF token, and the stream of changes the console listens to.
 */
import { z } from 'zod';
import { ROLES } from './api.js';

export const CONSOLE_ROUTES = {
  /** POST signs in (the token in the body), GET says who is signed in, DELETE signs out. */
  session: '/api/v1/session',
  /** Server-sent events: what changed (rollout, device, log), for the console to read again. */
  events: '/api/v1/events',
} as const;

/** The pages the server answers with the console's index.html (the browser routes inside). */
export const CONSOLE_PAGES = [
  '/',
  '/devices',
  '/devices/:id',
  '/rollouts',
  '/rollouts/new',
  '/rollouts/:id',
  '/patches',
  '/vulnerabilities',
  '/log',
] as const;

/** The session cookie (HttpOnly, SameSite=Strict, Secure under TLS) and the CSRF header. */
export const SESSION_COOKIE = 'patchcast_session';
export const CSRF_HEADER = 'x-patchcast-csrf';

export const createSessionRequest = z.strictObject({
  token: z.string().min(8).max(128),
});
export type CreateSessionRequest = z.infer<typeof createSessionRequest>;

export const sessionResponse = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  /** Send it back in the x-patchcast-csrf header on every request that changes something. */
  csrf: z.string(),
  expiresAt: z.string(),
});
export type SessionResponse = z.infer<typeof sessionResponse>;

export const CONSOLE_EVENT_KINDS = ['rollout', 'device', 'log', 'hello'] as const;
export type ConsoleEventKind = (typeof CONSOLE_EVENT_KINDS)[number];

/** One server-sent event's data: what changed; the console reads it again through the API. */
export const consoleEvent = z.object({
  kind: z.enum(CONSOLE_EVENT_KINDS),
  /** The rollout or device id; absent for `log` and `hello`. */
  id: z.string().optional(),
  at: z.string(),
});
export type ConsoleEvent = z.infer<typeof consoleEvent>;
