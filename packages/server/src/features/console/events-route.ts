/**
 * GET /api/v1/events: server-sent events (text/event-stream) for the console. Each event names
 * what changed; the page reads it again through the API, which applies the caller's role. Changes
 * are coalesced per stream for 200 ms (a wave of thousands of results is a handful of events), and
 * a comment every 15 s keeps proxies from closing an idle stream.
 */
import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { CONSOLE_ROUTES } from '@patchcast/protocol';
import type { ConsoleEvent } from '@patchcast/protocol';
import type { ConsoleEvents } from './console-events.js';

const COALESCE_MS = 200;
const KEEPALIVE_MS = 15_000;
/** Streams open at once on one node; more are refused (each holds a socket). */
export const MAX_EVENT_STREAMS = 1000;

export function eventsRoute(app: FastifyInstance, events: ConsoleEvents): void {
  app.get(CONSOLE_ROUTES.events, (request, reply) => {
    if (events.listeners >= MAX_EVENT_STREAMS)
      throw new PatchcastError('RATE_LIMITED', `${MAX_EVENT_STREAMS} event streams are open`, {
        hint: 'close other console tabs, or reload later',
      });
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-request-id': request.id,
    });
    const pending = new Map<string, ConsoleEvent>();
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      for (const event of pending.values())
        raw.write(`event: change\ndata: ${JSON.stringify(event)}\n\n`);
      pending.clear();
    };
    const stop = events.listen((event) => {
      pending.set(`${event.kind}\u0000${event.id ?? ''}`, event);
      timer ??= setTimeout(flush, COALESCE_MS);
    });
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    raw.write(
      `retry: 2000\nevent: change\ndata: ${JSON.stringify({ kind: 'hello', at: new Date().toISOString() })}\n\n`,
    );
    const close = (): void => {
      stop();
      clearInterval(keepalive);
      clearTimeout(timer);
    };
    request.raw.on('close', close);
    raw.on('close', close);
  });
}
