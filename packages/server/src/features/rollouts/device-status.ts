/**
 * Honest status (ADR 0016): what each device of a rollout is waiting for, and whether the rollout
 * still moves by itself or waits for an operator, an offline device or a maintenance window.
 * Derived, never stored: from the stored assignment states, the devices' connections, the
 * rollout's state and, for a planned rollout, its engine's waves and the plan's windows.
 */
import { windowStatus } from '@patchcast/core';
import type { EngineState } from '@patchcast/core';
import type { DeviceState, DeviceStatus, RolloutOutlook, RolloutState } from '@patchcast/protocol';
import { outlookOf } from './rollout-outlook.js';

export interface StatusFacts {
  readonly rolloutId: string;
  readonly rolloutState: RolloutState;
  /** Every assignment of the rollout, with its stored state. */
  readonly devices: readonly {
    readonly id: string;
    readonly name: string;
    readonly state: DeviceState;
  }[];
  readonly online: (deviceId: string) => boolean;
  /** Not connected, but only for moments (a server restart, a network blip): it may come back. */
  readonly reconnecting?: ((deviceId: string) => boolean) | undefined;
  /** The engine's state of a planned rollout; undefined for a rollout without a plan. */
  readonly engine: Readonly<EngineState> | undefined;
  readonly now: number;
}

export interface DeviceStatusView {
  readonly status: DeviceStatus;
  readonly statusDetail: string;
  readonly online: boolean;
  readonly windowOpensAt: string | null;
}

export interface RolloutStatusView {
  readonly devices: ReadonlyMap<string, DeviceStatusView>;
  readonly outlook: RolloutOutlook;
}

export type Window = RolloutOutlook['window'];

export const iso = (ms: number): string => new Date(ms).toISOString();

/** The plan's windows at `now`; null when the rollout has none or its expedite ignores them. */
export function windowOf(engine: Readonly<EngineState> | undefined, now: number): Window {
  if (engine === undefined || engine.plan.maintenanceWindows.length === 0) return null;
  if (engine.expedited && engine.plan.expedite?.ignoreMaintenanceWindows === true) return null;
  const status = windowStatus(engine.plan.maintenanceWindows, now);
  if (status.open) return { open: true, opensAt: null, closesAt: iso(status.closesAt) };
  return {
    open: false,
    opensAt: status.opensAt === null ? null : iso(status.opensAt),
    closesAt: null,
  };
}

export function deriveStatus(facts: StatusFacts): RolloutStatusView {
  const window = windowOf(facts.engine, facts.now);
  const devices = new Map<string, DeviceStatusView>();
  for (const device of facts.devices) devices.set(device.id, deviceStatus(facts, device, window));
  return { devices, outlook: outlookOf(facts, devices, window) };
}

export type Row = StatusFacts['devices'][number];

function view(
  status: DeviceStatus,
  statusDetail: string,
  online: boolean,
  windowOpensAt: string | null = null,
): DeviceStatusView {
  return { status, statusDetail, online, windowOpensAt };
}

/** Whether the rollout has released the install to the device (a plain rollout: at once). */
export function dispatched(facts: StatusFacts, device: Row): boolean {
  const { engine } = facts;
  return (
    engine === undefined ||
    engine.dispatchedAt[device.id] !== undefined ||
    device.state !== 'pending'
  );
}

function deviceStatus(facts: StatusFacts, device: Row, window: Window): DeviceStatusView {
  const online = facts.online(device.id);
  const rollback = facts.engine?.rollback;
  if (device.state === 'rolled-back' || rollback?.confirmed[device.id] === true)
    return view('rolled-back', 'the install was undone', online);
  if (device.state === 'installed') {
    const undoing = rollback?.waiting[device.id] === true;
    return view(
      'installed',
      undoing ? 'told to roll back, not confirmed yet' : 'installed',
      online,
    );
  }
  if (device.state === 'failed')
    return view('failed', 'the install or its health check failed', online);
  if (facts.rolloutState !== 'in-progress') return endedStatus(facts, device, online);
  if (!dispatched(facts, device)) return waitingStatus(facts, device, online, window);
  if (!online)
    return view(
      'offline',
      facts.reconnecting?.(device.id) === true
        ? 'disconnected moments ago: it may reconnect by itself'
        : device.state === 'pending'
          ? 'not connected: it is sent the patch when it reconnects'
          : `not connected since it reported ${device.state}`,
      online,
    );
  if (device.state === 'deferred')
    return view('deferred', "waiting for the device's own maintenance window", online);
  if (device.state === 'downloading' || device.state === 'installing')
    return view('installing', device.state, online);
  return view(
    'pending',
    device.state === 'notified' ? 'sent the patch, not started yet' : 'being sent the patch',
    online,
  );
}

/** A device without a result in a rollout that ended: never reached, or reached and left. */
function endedStatus(facts: StatusFacts, device: Row, online: boolean): DeviceStatusView {
  const ended = `the rollout ended (${facts.rolloutState})`;
  if (device.state === 'pending')
    return view('not-notified', `never sent the patch: ${ended} first`, online);
  return view('cancelled', `${ended} without its result (it was ${device.state})`, online);
}

/** A device of a planned rollout that its engine has not released the install to yet. */
function waitingStatus(
  facts: StatusFacts,
  device: Row,
  online: boolean,
  window: Window,
): DeviceStatusView {
  const engine = facts.engine as Readonly<EngineState>;
  const { machine } = engine;
  const wave = engine.deviceWave[device.id];
  const current = wave === machine.wave;
  const waveName =
    wave === undefined ? 'no wave' : `wave ${wave + 1} (${engine.waves[wave]?.name ?? '?'})`;
  const running = ['waiting-window', 'in-wave', 'baking'].includes(machine.name);
  if (current && running && window !== null && !window.open)
    return view('deferred', "waits for the plan's maintenance window", online, window.opensAt);
  if (machine.name === 'pending-approval' && current)
    return view('not-notified', `${waveName} awaits approval`, online);
  if (machine.name === 'paused')
    return view(
      'not-notified',
      `in ${waveName}; the rollout is paused (${machine.reason})`,
      online,
    );
  if (machine.name === 'rolling-back')
    return view('not-notified', `in ${waveName}; the rollout is rolling back`, online);
  if (wave !== undefined && wave > machine.wave)
    return view(
      'not-notified',
      `in ${waveName}; the rollout is at wave ${machine.wave + 1}`,
      online,
    );
  return view(
    'not-notified',
    `queued in ${waveName}: at most ${engine.plan.maxConcurrent} installs at a time`,
    online,
  );
}

/** Rows with their derived status fields merged in. */
export function withStatus<T extends { readonly id: string }>(
  rows: readonly T[],
  view: RolloutStatusView,
): (T & DeviceStatusView)[] {
  return rows.flatMap((row) => {
    const status = view.devices.get(row.id);
    return status === undefined ? [] : [{ ...row, ...status }];
  });
}
