import type { FastifyInstance } from 'fastify';
import { ROUTES, createRolloutRequest } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import { requireRole } from '../auth/require-role.js';
import type { RolloutService } from './rollout-service.js';

export function rolloutRoutes(app: FastifyInstance, deps: AppDeps, rollouts: RolloutService): void {
  const { store } = deps;
  app.post(ROUTES.rollouts, { preHandler: requireRole(store, 'operator') }, async (request) => {
    return rollouts.create(
      createRolloutRequest.parse(request.body),
      request.principal?.name ?? 'unknown',
    );
  });
  app.get(ROUTES.rollouts, { preHandler: requireRole(store, 'viewer') }, async () => ({
    rollouts: await rollouts.list(),
  }));
  app.get<{ Params: { id: string } }>(
    ROUTES.rollout,
    { preHandler: requireRole(store, 'viewer') },
    async (request) => rollouts.status(request.params.id),
  );
}
