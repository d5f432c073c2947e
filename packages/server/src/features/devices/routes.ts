import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import {
  AGENT_CHANNEL_PATH,
  ROUTES,
  deviceResultsQuery,
  devicesQuery,
  enrollRequest,
} from '@patchcast/protocol';
import type { Device, DeviceResultsResponse } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { DeviceRecord } from '../../storage/store.js';
import type { InstalledRecord } from '../../storage/device-results-store.js';
import { enrollTokenRoutes } from './enroll-tokens.js';
import { lifecycleRoutes } from './lifecycle.js';
import type { AgentGateway } from './agent-gateway.js';
import type { Presence } from './presence.js';
import { withResultStatus } from '../rollouts/status-facts.js';
import { enrollDevice } from './enrollment.js';
import { labelRoutes } from './labels.js';
import { peerOf } from './device-certificates.js';
import { listDevicePage } from './device-query.js';

const DEFAULT_RESULTS = 50;

export function deviceRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  gateway: AgentGateway,
  presence: Presence,
): void {
  const { store } = deps;

  enrollTokenRoutes(app, deps);

  app.post(ROUTES.enroll, async (request) => {
    const body = enrollRequest.parse(request.body);
    const result = await enrollDevice(deps, body);
    if (result.previousKey !== undefined)
      await gateway.disconnect(result.deviceId, result.previousKey, 'key-replaced');
    request.log.info({ ...result, name: body.name }, `device ${result.outcome}`);
    // The enrollment is stored and its token spent: a certificate that cannot be issued now must
    // not fail it (the host would lose its key); the agent asks again on the channel.
    const deviceCertificate = await deps.certificates
      ?.issue(result.deviceId, body.publicKey)
      .catch((error: unknown) => {
        request.log.error({ err: error }, 'device certificate not issued at enrollment');
        return undefined;
      });
    return {
      deviceId: result.deviceId,
      outcome: result.outcome,
      ...(deviceCertificate === undefined ? {} : { deviceCertificate }),
    };
  });

  app.get(ROUTES.devices, async (request) => {
    const query = devicesQuery.parse(request.query ?? {});
    const { page, total, installed, awaitingReboot } = await listDevicePage(store, query);
    const awaiting = new Set(awaitingReboot);
    const recorded = recordedOf(installed);
    const online = await presence.onlineOf(page.map((d) => d.id));
    return {
      devices: page.map((d): Device =>
        view(d, online.has(d.id), awaiting.has(d.id), recorded.get(d.id)),
      ),
      total,
    };
  });

  app.get<{ Params: { id: string } }>(
    ROUTES.deviceResults,
    async (request): Promise<DeviceResultsResponse> => {
      const { limit } = deviceResultsQuery.parse(request.query ?? {});
      const device = await store.getDevice(request.params.id);
      if (device === undefined) {
        throw new PatchcastError('NOT_FOUND', `no device ${request.params.id}`, {
          hint: 'list devices with `patchcast devices`',
        });
      }
      const stored = await store.deviceResults.recent(device.id, limit ?? DEFAULT_RESULTS);
      const online = (id: string) => gateway.isOnline(id);
      const results = await withResultStatus({ ...deps, online }, device.id, stored);
      const rebootRequired = results.some((r) => r.rebootRequired);
      const recorded = recordedOf(await store.devicePages.installedOf([device.id])).get(device.id);
      return {
        device: view(device, await presence.isOnline(device.id), rebootRequired, recorded),
        results,
      };
    },
  );

  lifecycleRoutes(app, deps, gateway, (device) => view(device, gateway.isOnline(device.id), false));

  labelRoutes(app, deps, async (id) => {
    const [device, results] = await Promise.all([
      store.getDevice(id),
      store.deviceResults.recent(id, DEFAULT_RESULTS),
    ]);
    if (device === undefined)
      throw new PatchcastError('NOT_FOUND', `no device ${id}`, {
        hint: '`patchcast devices` lists the device ids',
      });
    return view(
      device,
      gateway.isOnline(id),
      results.some((r) => r.rebootRequired),
    );
  });

  app.get(AGENT_CHANNEL_PATH, { websocket: true }, (socket, request) => {
    gateway.accept(socket, peerOf(request.raw));
  });
}

type Recorded = NonNullable<Device['recorded']>;

/** The server's record of installed patch versions, by device (ADR 0015). */
function recordedOf(installed: readonly InstalledRecord[]): Map<string, Recorded> {
  const byDevice = new Map<string, Recorded>();
  for (const r of installed) {
    const list = byDevice.get(r.deviceId) ?? [];
    list.push({ name: r.name, version: r.version, rolloutId: r.rolloutId });
    byDevice.set(r.deviceId, list);
  }
  return byDevice;
}

function view(
  d: DeviceRecord,
  online: boolean,
  rebootRequired: boolean,
  recorded: Recorded = [],
): Device {
  return {
    id: d.id,
    name: d.name,
    labels: { ...d.labels },
    online,
    enrolledAt: d.enrolledAt,
    lastSeenAt: d.lastSeenAt,
    inventory: d.inventory,
    rebootRequired,
    recorded,
    ...(d.revokedAt === undefined ? {} : { revokedAt: d.revokedAt }),
  };
}
