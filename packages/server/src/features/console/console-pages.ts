/**
 * Serves the console: its hashed assets under /assets/, and index.html for each console page (the
 * page routes in the browser). Only the pages CONSOLE_PAGES lists are answered, so the API, /tuf,
 * /log, /healthz and /metrics are never shadowed; any other path is a 404 as before.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { CONSOLE_PAGES } from '@patchcast/protocol';
import type { ConsoleAsset, ConsoleAssets } from './console-assets.js';

/** No other origin may frame, script or style the console; it talks to its own origin only. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function encodingFor(request: FastifyRequest): 'br' | 'gzip' | undefined {
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted)) return 'br';
  if (/\bgzip\b/.test(accepted)) return 'gzip';
  return undefined;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset): FastifyReply {
  void reply
    .header('content-type', asset.type)
    .header('etag', asset.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (asset.type.startsWith('text/html'))
    void reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('referrer-policy', 'no-referrer');
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  const encoding = encodingFor(request);
  if (encoding === undefined) return reply.send(asset.body);
  return reply.header('content-encoding', encoding).send(asset[encoding]);
}

function notBuilt(): PatchcastError {
  return new PatchcastError('NOT_FOUND', 'this server has no console (it was not built)', {
    hint: 'run `npm run build` (it builds packages/console), then start the server again',
  });
}

export function consolePages(app: FastifyInstance, assets: ConsoleAssets | undefined): void {
  const page = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const index = assets?.get('/index.html');
    if (index === undefined) throw notBuilt();
    return send(request, reply, index);
  };
  for (const path of CONSOLE_PAGES) app.get(path, page);
  app.get('/assets/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const found = assets?.get(decodeURIComponent(path));
    if (found === undefined)
      throw new PatchcastError('NOT_FOUND', `no console asset ${path.slice(0, 200)}`);
    return send(request, reply, found);
  });
}
