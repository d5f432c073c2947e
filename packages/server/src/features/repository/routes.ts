import type { FastifyInstance } from 'fastify';
import { PatchcastError, isHex } from '@patchcast/core';
import { ROUTES, submitRootRequest, submitTargetsRequest, targetsQuery } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import { currentTargetsBytes, metadataFile } from './stored-metadata.js';
import { repositoryRoles } from './role-overview.js';

/** The TUF repository (`/tuf/`, public and read-only) and the publisher's upload routes. */
export function repositoryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { store, artifacts, repository, config } = deps;

  app.get<{ Params: { file: string } }>('/tuf/metadata/:file', async (request, reply) => {
    const bytes = await metadataFile(await repository.view.get(), store, request.params.file);
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
    const info = targetPath === undefined ? undefined : await repository.target(targetPath);
    const range = byteRange(request.headers.range, info?.length ?? 0); // RFC 9110 §14.2
    const file =
      info?.hashes.sha256 === match?.[2] && info !== undefined
        ? await artifacts.open(info.hashes.sha256, range === 'unsatisfiable' ? undefined : range)
        : undefined;
    if (file === undefined) throw new PatchcastError('NOT_FOUND', `no target ${path}`);
    reply
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'public, max-age=31536000, immutable');
    if (range === 'unsatisfiable') {
      file.stream.destroy();
      return reply.code(416).header('content-range', `bytes */${file.length}`).send();
    }
    reply.header('content-type', 'application/octet-stream');
    if (range === undefined) return reply.header('content-length', file.length).send(file.stream);
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.length}`)
      .header('content-length', range.end - range.start + 1)
      .send(file.stream);
  });

  app.put<{ Params: { sha256: string } }>(ROUTES.artifact, async (request) => {
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
  });

  app.get(ROUTES.repositoryRoles, async () =>
    repositoryRoles(await repository.view.get(), deps.now()),
  );

  app.get(ROUTES.targets, async (request, reply) => {
    const { role } = targetsQuery.parse(request.query ?? {});
    return reply
      .header('content-type', 'application/json')
      .send(Buffer.from(await currentTargetsBytes(await repository.view.fresh(), store, role)));
  });

  app.post(ROUTES.targets, { bodyLimit: 64 * 1024 * 1024 }, async (request) => {
    const { metadata, role } = submitTargetsRequest.parse(request.body);
    return repository.submitTargets(metadata, request.principal?.name ?? 'unknown', role);
  });

  app.get(ROUTES.patches, () => repository.patches());

  // A root ceremony's result: only an admin may publish it, and only if it verifies.
  app.post(ROUTES.root, { bodyLimit: 64 * 1024 * 1024 }, async (request) => {
    const { root, targets } = submitRootRequest.parse(request.body);
    const by = request.principal?.name ?? 'unknown';
    return repository.submitRoot({ root, ...(targets === undefined ? {} : { targets }), by });
  });
}

/**
 * One `Range: bytes=` range of a `length`-byte target (inclusive offsets). Several ranges or a
 * malformed header are ignored (the whole target is sent), as RFC 9110 §14.2 allows.
 */
function byteRange(
  header: string | undefined,
  length: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || length === 0
      ? 'unsatisfiable'
      : { start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(first);
  const end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
  if (last !== '' && Number(last) < start) return undefined;
  return start >= length ? 'unsatisfiable' : { start, end };
}
