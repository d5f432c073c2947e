/** The transparency log under /log/: public, read-only, C2SP tlog-tiles (docs/protocol/log.md). */
import type { FastifyInstance } from 'fastify';
import { PatchcastError, TILE_WIDTH, parseTilePath } from '@patchcast/core';
import type { TileRef } from '@patchcast/core';
import { LOG_ROUTES } from '@patchcast/protocol';
import type { ConsistencyProofResponse, KeyTransitionsResponse } from '@patchcast/protocol';
import { consistencyProof, publicationProof, tileOrBundle } from './log-reader.js';
import type { TransparencyLog } from './transparency-log.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const TEXT = 'text/plain; charset=utf-8';

export function logRoutes(app: FastifyInstance, log: TransparencyLog): void {
  /** Several nodes: answer against what every node appended (a no-op for one node). */
  const fresh = { onRequest: () => log.sync() };
  app.get(LOG_ROUTES.checkpoint, fresh, (_request, reply) =>
    reply
      .header('content-type', TEXT)
      .header('cache-control', 'no-cache')
      .send(log.cosignedCheckpoint.note),
  );

  app.get(LOG_ROUTES.key, (_request, reply) =>
    reply
      .header('content-type', TEXT)
      .header('cache-control', 'no-cache')
      .send(`${log.verifierKey}\n`),
  );

  app.get(LOG_ROUTES.keyTransitions, (_request, reply) => {
    const body: KeyTransitionsResponse = { transitions: [...log.keyTransitions] };
    return reply.header('cache-control', 'no-cache').send(body);
  });

  app.get<{ Params: { '*': string } }>(LOG_ROUTES.tiles, fresh, async (request, reply) => {
    const path = `tile/${request.params['*']}`;
    const ref = parseTilePath(path);
    const bytes = ref === undefined ? undefined : await tileOrBundle(log, ref);
    if (ref === undefined || bytes === undefined) {
      throw new PatchcastError('NOT_FOUND', `the log has no ${path}`);
    }
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', isFull(ref) ? IMMUTABLE : 'public, max-age=3600')
      .send(Buffer.from(bytes));
  });

  app.get<{ Params: { name: string; version: string } }>(
    LOG_ROUTES.patchProof,
    fresh,
    async (request, reply) => {
      const { name, version } = request.params;
      const proof = await publicationProof(log, { name, version });
      if (proof === undefined) {
        throw new PatchcastError('NOT_FOUND', `the log has no publication of ${name}@${version}`, {
          hint: '`patchcast patches` lists what is published',
        });
      }
      return reply.header('cache-control', 'no-cache').send(proof);
    },
  );

  app.get<{ Params: { from: string; to: string } }>(
    LOG_ROUTES.consistencyProof,
    fresh,
    async (request, reply) => {
      const [from, to] = [request.params.from, request.params.to].map(parseSize);
      const hashes = consistencyProof(log, from ?? -1, to ?? -1);
      const body: ConsistencyProofResponse = {
        hashes: hashes.map((hash) => Buffer.from(hash).toString('base64')),
      };
      return reply.header('cache-control', IMMUTABLE).send(body);
    },
  );
}

/** C2SP tlog-tiles: full tiles and bundles never change and may be cached forever. */
function isFull(ref: TileRef): boolean {
  return (ref.kind === 'tile' ? ref.tile.width : ref.bundle.width) === TILE_WIDTH;
}

function parseSize(text: string): number {
  return /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : -1;
}
