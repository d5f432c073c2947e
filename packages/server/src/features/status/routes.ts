import type { FastifyInstance } from 'fastify';
import { ROUTES } from '@patchcast/protocol';
import type { StatusResponse } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { AgentGateway } from '../devices/agent-gateway.js';

export function statusRoutes(app: FastifyInstance, deps: AppDeps, gateway: AgentGateway): void {
  const started = Date.now();
  app.get(ROUTES.status, async (): Promise<StatusResponse> => {
    const [devices, rollouts, repository] = await Promise.all([
      deps.store.listDevices(),
      deps.store.rolloutStateCounts(),
      deps.repository.versions(),
    ]);
    return {
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      storage: deps.store.kind,
      bus: deps.bus.kind,
      busHealth: deps.bus.health(),
      node: deps.bus.nodeId,
      repository,
      devices: { total: devices.length, online: gateway.onlineCount },
      rollouts: {
        total: Object.values(rollouts).reduce((sum, n) => sum + n, 0),
        active: rollouts['in-progress'] ?? 0,
      },
      log: {
        origin: deps.log.identity.origin,
        key: deps.log.verifierKey,
        size: deps.log.checkpoint.size,
      },
    };
  });
  app.get('/healthz', () => ({ ok: true }));
}
