/**
 * Revoking and removing devices (operator; ADR 0029). `POST /api/v1/devices/:id/revoke` refuses the
 * device's key from now on (DEVICE_REVOKED on the channel and at enrollment) and closes its
 * connection on every node; `DELETE /api/v1/devices/:id` also takes it out of lists, reports and
 * new rollouts, keeping its history for the audit. A replacement token gives a revoked device a
 * new key and lifts the revocation. Both are transparency-log entries naming the operator.
 */
import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { ROUTES, revokeDeviceRequest } from '@patchcast/protocol';
import type { Device, DeviceLifecycleResponse } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { DeviceRecord } from '../../storage/store.js';
import { assertDevicesInScope } from '../auth/device-scope.js';
import type { Principal } from '../auth/authenticate.js';
import type { AgentGateway } from './agent-gateway.js';
import { pendingEntries } from '../log/log-events.js';

export function lifecycleRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  gateway: AgentGateway,
  view: (device: DeviceRecord) => Device,
): void {
  app.post<{ Params: { id: string } }>(ROUTES.deviceRevoke, async (request) => {
    const { reason } = revokeDeviceRequest.parse(request.body ?? {});
    return end(request.params.id, 'revoked', request.principal, reason);
  });

  app.delete<{ Params: { id: string } }>(ROUTES.device, async (request) =>
    end(request.params.id, 'removed', request.principal),
  );

  async function end(
    id: string,
    how: 'revoked' | 'removed',
    principal: Principal | undefined,
    reason?: string,
  ): Promise<DeviceLifecycleResponse> {
    const { store, log } = deps;
    const before = await store.getDevice(id);
    if (before === undefined || before.removedAt !== undefined)
      throw new PatchcastError('NOT_FOUND', `no device ${id}`, {
        hint: 'list devices with `patchcast devices`',
      });
    assertDevicesInScope(principal, [before], `device ${id}`);
    const at = deps.now().toISOString();
    const done = how === 'revoked' ? before.revokedAt !== undefined : false;
    const action = {
      type: 'operator-action' as const,
      at,
      by: principal?.name ?? 'unknown',
      action: how === 'revoked' ? 'device-revoked' : 'device-removed',
      target: reason === undefined ? id : `${id}: ${reason}`,
    };
    const change = {
      ...(before.revokedAt === undefined ? { revokedAt: at } : {}),
      ...(how === 'removed' ? { removedAt: at } : {}),
    };
    // The change and its log entry in one transaction, in the log before the answer (ADR 0033).
    const after = done
      ? before
      : await store.updateDevice(id, change, () => pendingEntries([action]));
    if (after === undefined) throw new PatchcastError('NOT_FOUND', `no device ${id}`);
    if (!done) await log.sequencePending();
    // Closed here at once, and on every other node through the bus.
    await gateway.disconnect(id, before.publicKey, how);
    return { device: view(after), changed: !done };
  }
}
