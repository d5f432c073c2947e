import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import {
  ROLLOUT_ACTIONS,
  ROLLOUT_ROUTES,
  ROUTES,
  createPlannedRolloutRequest,
  createRolloutRequest,
  parsePlan,
  rolloutActionRequest,
} from '@patchcast/protocol';
import type { RolloutAction } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { RolloutService } from './rollout-service.js';
import { assertInScope } from '../auth/device-scope.js';

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
  app.post(ROUTES.rollouts, async (request) => {
    const by = request.principal?.name ?? 'unknown';
    if (isPlanned(request.body)) {
      const body = createPlannedRolloutRequest.parse(request.body);
      const { target } = parsePlan(body.plan, body.planName ?? 'plan');
      await assertInScope(request.principal, store, target, "the plan's target");
      return rollouts.planned.create(body, by);
    }
    const body = createRolloutRequest.parse(request.body);
    await assertInScope(request.principal, store, body.devices, 'the selector');
    return rollouts.create(body, by);
  });
  app.get(ROUTES.rollouts, async () => ({
    rollouts: await rollouts.list(),
  }));
  app.get<{ Params: { id: string } }>(ROUTES.rollout, async (request) =>
    rollouts.status(request.params.id),
  );
  app.get<{ Params: { id: string } }>(ROLLOUT_ROUTES.progress, async (request) =>
    rollouts.planned.progress(request.params.id),
  );
  app.post<{ Params: { id: string; action: string } }>(ROLLOUT_ROUTES.action, async (request) => {
    const action = actionOf(request.params.action);
    const { wave, cascade } = rolloutActionRequest.parse(request.body ?? {});
    if (cascade === true && action !== 'rollback')
      throw new PatchcastError('INVALID_INPUT', 'cascade goes with rollback only');
    const by = request.principal?.name ?? 'unknown';
    if (request.principal?.devices !== undefined) {
      // A cascade undoes later rollouts too, whose devices this check cannot bound in advance.
      if (cascade === true)
        throw new PatchcastError(
          'FORBIDDEN',
          `the token "${request.principal.name}" is limited to some devices, and --cascade may undo rollouts beyond them`,
          { hint: 'roll back the later rollouts one by one, or use a token for every device' },
        );
      const { devices } = await rollouts.status(request.params.id);
      const ids = devices.map((d) => d.id);
      if (ids.length > 0)
        await assertInScope(request.principal, store, { ids }, `rollout ${request.params.id}`);
    }
    return rollouts.planned.act(request.params.id, action, by, { wave, cascade });
  });
}
