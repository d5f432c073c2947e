import type { FastifyInstance } from 'fastify';
import { ROUTES } from '@patchcast/protocol';
import type { StatusResponse } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { Presence } from '../devices/presence.js';
import { checkpointTime } from './checkpoint-time.js';

export function statusRoutes(app: FastifyInstance, deps: AppDeps, presence: Presence): void {
  const started = Date.now();
  app.get(ROUTES.status, async (): Promise<StatusResponse> => {
    const size = deps.log.checkpoint.size;
    const [devices, rollouts, repository, checkpointAt, online] = await Promise.all([
      deps.store.devicePages.page({ offset: 0, limit: 0 }),
      deps.store.rolloutStateCounts(),
      deps.repository.versions(),
      checkpointTime(deps.store.log, size),
      presence.onlineCount(),
    ]);
    return {
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      storage: deps.store.kind,
      bus: deps.bus.kind,
      busHealth: deps.bus.health(),
      node: deps.bus.nodeId,
      repository,
      devices: { total: devices.total, online },
      rollouts: {
        total: Object.values(rollouts).reduce((sum, n) => sum + n, 0),
        active: rollouts['in-progress'] ?? 0,
      },
      log: {
        origin: deps.log.identity.origin,
        key: deps.log.verifierKey,
        size,
        ...(checkpointAt === undefined ? {} : { checkpointAt }),
      },
    };
  });
  app.get('/healthz', () => ({ ok: true }));
}
