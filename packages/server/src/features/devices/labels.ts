/**
 * Device labels change only through the server: `POST /api/v1/devices/:id/labels` (operator),
 * logged as `device-labels-changed`; an agent's `--label` flags count only at enrollment.
 */
import { assertDevicesInScope } from '../auth/device-scope.js';
import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import { MAX_DEVICE_LABELS, ROUTES, labelChangeRequest } from '@patchcast/protocol';
import type { Device } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { DeviceRecord } from '../../storage/store.js';
import { pendingEntries } from '../log/log-events.js';

type Labels = Readonly<Record<string, string>>;

export function labelsChanged(before: Labels, after: Labels): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].some((key) => before[key] !== after[key]);
}

function checkCount(labels: Labels, set: Labels, remove: readonly string[]): void {
  const keys = new Set([...Object.keys(labels), ...Object.keys(set)]);
  for (const key of remove) keys.delete(key);
  if (keys.size > MAX_DEVICE_LABELS) {
    throw new PatchcastError('INVALID_INPUT', `a device has at most ${MAX_DEVICE_LABELS} labels`, {
      hint: 'remove labels with `patchcast devices label ID KEY-`',
    });
  }
}

export function labelRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  view: (id: string) => Promise<Device>,
): void {
  const { store, now } = deps;
  app.post<{ Params: { id: string } }>(ROUTES.deviceLabels, async (request) => {
    const change = labelChangeRequest.parse(request.body ?? {});
    const id = request.params.id;
    const before = await store.getDevice(id);
    if (before !== undefined) {
      checkCount(before.labels, change.set, change.remove);
      const labels = { ...before.labels, ...change.set };
      for (const key of change.remove) delete labels[key];
      assertDevicesInScope(request.principal, [before], `device ${id}`);
      assertDevicesInScope(
        request.principal,
        [{ ...before, labels }],
        'the new labels of the device',
      );
    }
    // The entry is decided in the change's transaction, against the labels it found (ADR 0033).
    const at = now().toISOString();
    const logged = (old: DeviceRecord, next: DeviceRecord) =>
      labelsChanged(old.labels, next.labels)
        ? pendingEntries([
            {
              type: 'device-labels-changed',
              at,
              deviceId: id,
              labels: { ...next.labels },
              by: request.principal?.name ?? 'unknown',
              via: 'label',
            },
          ])
        : [];
    const after =
      before === undefined
        ? undefined
        : await store.updateDevice(id, { labels: change.set, removeLabels: change.remove }, logged);
    if (before === undefined || after === undefined) {
      throw new PatchcastError('NOT_FOUND', `no device ${id}`, {
        hint: 'list devices with `patchcast devices`',
      });
    }
    await deps.log.sequencePending();
    const changed = labelsChanged(before.labels, after.labels);
    if (changed) {
      request.log.info({ deviceId: id, labels: after.labels }, 'device labels changed');
    }
    return { device: await view(id), changed };
  });
}
