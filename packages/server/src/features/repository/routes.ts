import type { FastifyInstance } from 'fastify';
import { PatchcastError, isHex } from '@patchcast/core';
import { ROUTES, submitRootRequest, submitTargetsRequest } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import { requireRole } from '../auth/require-role.js';

/** The TUF repository (`/tuf/`, public and read-only) and the publisher's upload routes. */
export function repositoryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { store, artifacts, repository, config } = deps;

  app.get<{ Params: { file: string } }>('/tuf/metadata/:file', async (request, reply) => {
    const bytes = await repository.metadataFile(request.params.file);
    if (bytes === undefined)
      throw new PatchcastError('NOT_FOUND', `no metadata file ${request.params.file}`);
    const cache =
      request.params.file === 'timestamp.json' ? 'no-cache' : 'public, max-age=31536000, immutable';
    return reply
      .header('content-type', 'application/json')
      .header('cache-control', cache)
      .send(Buffer.from(bytes));
  });

  // §5.7.3 consistent snapshots: /tuf/targets/<dirs>/<sha256>.<basename>
  app.get<{ Params: { '*': string } }>('/tuf/targets/*', async (request, reply) => {
    const path = request.params['*'];
    const match = /^(.*\/)?([0-9a-f]{64})\.([^/]+)$/.exec(path);
    const targetPath = match === null ? undefined : `${match[1] ?? ''}${match[3] ?? ''}`;
    const info =
      targetPath === undefined
        ? undefined
        : (await repository.currentTargets()).targets[targetPath];
    const file =
      info?.hashes.sha256 === match?.[2] && info !== undefined
        ? await artifacts.open(info.hashes.sha256)
        : undefined;
    if (file === undefined) throw new PatchcastError('NOT_FOUND', `no target ${path}`);
    reply.header('content-type', 'application/octet-stream').header('content-length', file.length);
    return reply.header('cache-control', 'public, max-age=31536000, immutable').send(file.stream);
  });

  app.put<{ Params: { sha256: string } }>(
    ROUTES.artifact,
    { preHandler: requireRole(store, 'publisher') },
    async (request) => {
      const { sha256 } = request.params;
      if (!isHex(sha256, 32))
        throw new PatchcastError(
          'INVALID_INPUT',
          'artifact name must be a lowercase sha256 hex digest',
        );
      const existing = await store.getArtifact(sha256);
      if (existing !== undefined && (await artifacts.has(sha256))) {
        request.raw.resume();
        return { sha256, length: existing.length };
      }
      const { length } = await artifacts.put(sha256, request.raw, config.maxArtifactBytes);
      await store.putArtifact({ sha256, length, createdAt: deps.now().toISOString() });
      return { sha256, length };
    },
  );

  app.get(
    ROUTES.targets,
    { preHandler: requireRole(store, 'publisher') },
    async (_request, reply) => {
      return reply
        .header('content-type', 'application/json')
        .send(Buffer.from(await repository.currentTargetsBytes()));
    },
  );

  app.post(
    ROUTES.targets,
    { preHandler: requireRole(store, 'publisher'), bodyLimit: 64 * 1024 * 1024 },
    async (request) => {
      const { metadata } = submitTargetsRequest.parse(request.body);
      return repository.submitTargets(metadata, request.principal?.name ?? 'unknown');
    },
  );

  // A root ceremony's result: only an admin may publish it, and only if it verifies.
  app.post(
    ROUTES.root,
    { preHandler: requireRole(store, 'admin'), bodyLimit: 64 * 1024 * 1024 },
    async (request) => {
      const { root, targets } = submitRootRequest.parse(request.body);
      const by = request.principal?.name ?? 'unknown';
      return repository.submitRoot({ root, ...(targets === undefined ? {} : { targets }), by });
    },
  );
}
