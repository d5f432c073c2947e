/** `GET /api/v1/openapi.json` (public): the API description, built once per server. */
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '@patchcast/protocol';
import { buildOpenApiDocument } from './openapi-document.js';

export function openApiRoutes(app: FastifyInstance, version: string): void {
  let document: string | undefined;
  app.get(ROUTES.openapi, (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument({ version }));
    return reply.header('content-type', 'application/json; charset=utf-8').send(document);
  });
}
