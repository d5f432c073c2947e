/** Gathers what device-status.ts derives from: the engine's state, connections, the clock. */
import type { EngineState } from '@patchcast/core';
import { FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { DeviceState } from '@patchcast/protocol';
import type { RolloutRecord, Store } from '../../storage/store.js';
import type { RolloutDriver } from './rollout-driver.js';
import { deriveStatus } from './device-status.js';
import type { DeviceStatusView, RolloutStatusView } from './device-status.js';

interface Deps {
  readonly store: Store;
  readonly now: () => Date;
  readonly online?: (deviceId: string) => boolean;
  readonly reconnecting?: (deviceId: string) => boolean;
}

/** The engine state of a planned rollout: live if driven here, else as last stored. */
export async function engineStateOf(
  store: Store,
  driver: RolloutDriver,
  rolloutId: string,
): Promise<Readonly<EngineState> | undefined> {
  const live = driver.peek(rolloutId);
  if (live !== undefined) return live;
  const saved = await store.rolloutEngine.load(rolloutId);
  return saved === undefined ? undefined : (JSON.parse(saved.snapshot) as EngineState);
}

export async function statusView(
  deps: Deps,
  driver: RolloutDriver,
  rollout: RolloutRecord,
  devices: readonly { id: string; name: string; state: DeviceState }[],
  engine?: Readonly<EngineState>,
): Promise<RolloutStatusView> {
  return deriveStatus({
    rolloutId: rollout.id,
    rolloutState: rollout.state,
    devices,
    online: deps.online ?? (() => false),
    ...(deps.reconnecting === undefined ? {} : { reconnecting: deps.reconnecting }),
    engine: engine ?? (await engineStateOf(deps.store, driver, rollout.id)),
    now: deps.now().getTime(),
  });
}

/**
 * One device's results across rollouts with the status each has in its rollout (`devices show`):
 * a result of an aborted rollout that never reached the device says not-notified, not pending.
 */
export async function withResultStatus<
  R extends { readonly rolloutId: string; readonly state: DeviceState },
>(deps: Deps, deviceId: string, results: readonly R[]): Promise<(R & Partial<DeviceStatusView>)[]> {
  const out: (R & Partial<DeviceStatusView>)[] = [];
  for (const result of results) {
    const rollout = await deps.store.getRollout(result.rolloutId);
    if (rollout === undefined) {
      out.push({ ...result });
      continue;
    }
    // Only an open result of a running rollout depends on its engine (waves, window): the
    // snapshot of a large rollout is big, so it is not read for the rest.
    const needsEngine =
      rollout.state === 'in-progress' && !FINAL_DEVICE_STATES.includes(result.state);
    const saved = needsEngine ? await deps.store.rolloutEngine.load(rollout.id) : undefined;
    const view = deriveStatus({
      rolloutId: rollout.id,
      rolloutState: rollout.state,
      devices: [{ id: deviceId, name: deviceId, state: result.state }],
      online: deps.online ?? (() => false),
      engine: saved === undefined ? undefined : (JSON.parse(saved.snapshot) as EngineState),
      now: deps.now().getTime(),
    });
    out.push({ ...result, ...view.devices.get(deviceId) });
  }
  return out;
}
