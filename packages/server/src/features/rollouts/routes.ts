import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import {
  ROLLOUT_ACTIONS,
  ROLLOUT_ROUTES,
  ROUTES,
  createPlannedRolloutRequest,
  createRolloutRequest,
  rolloutActionRequest,
} from '@patchcast/protocol';
import type { RolloutAction } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import { requireRole } from '../auth/require-role.js';
import type { RolloutService } from './rollout-service.js';

function isPlanned(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'plan' in body;
}

function actionOf(text: string): RolloutAction {
  const action = ROLLOUT_ACTIONS.find((a) => a === text);
  if (action === undefined)
    throw new PatchcastError('NOT_FOUND', `no rollout action "${text}"`, {
      hint: `use one of: ${ROLLOUT_ACTIONS.join(', ')}`,
    });
  return action;
}

export function rolloutRoutes(app: FastifyInstance, deps: AppDeps, rollouts: RolloutService): void {
  const { store } = deps;
  const operator = { preHandler: requireRole(store, 'operator') };
  const viewer = { preHandler: requireRole(store, 'viewer') };
  app.post(ROUTES.rollouts, operator, async (request) => {
    const by = request.principal?.name ?? 'unknown';
    if (isPlanned(request.body))
      return rollouts.planned.create(createPlannedRolloutRequest.parse(request.body), by);
    return rollouts.create(createRolloutRequest.parse(request.body), by);
  });
  app.get(ROUTES.rollouts, viewer, async () => ({
    rollouts: await rollouts.list(),
  }));
  app.get<{ Params: { id: string } }>(ROUTES.rollout, viewer, async (request) =>
    rollouts.status(request.params.id),
  );
  app.get<{ Params: { id: string } }>(ROLLOUT_ROUTES.progress, viewer, async (request) =>
    rollouts.planned.progress(request.params.id),
  );
  app.post<{ Params: { id: string; action: string } }>(
    ROLLOUT_ROUTES.action,
    operator,
    async (request) => {
      const action = actionOf(request.params.action);
      const { wave, cascade } = rolloutActionRequest.parse(request.body ?? {});
      if (cascade === true && action !== 'rollback')
        throw new PatchcastError('INVALID_INPUT', 'cascade goes with rollback only');
      const by = request.principal?.name ?? 'unknown';
      return rollouts.planned.act(request.params.id, action, by, { wave, cascade });
    },
  );
}
