/**
 * Honest status (ADR 0016): what each device of a rollout is waiting for, and whether the rollout
 * still moves by itself or waits for an operator, an offline device or a maintenance window.
 * Derived, never stored: from the stored assignment states, the devices' connections, the
 * rollout's state and, for a planned rollout, its engine's waves and the plan's windows.
 */
import { windowStatus } from '@patchcast/core';
import type { EngineState, WaveRun } from '@patchcast/core';
import type { DeviceState, DeviceStatus, RolloutOutlook, RolloutState } from '@patchcast/protocol';

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

type Window = RolloutOutlook['window'];

const iso = (ms: number): string => new Date(ms).toISOString();

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

type Row = StatusFacts['devices'][number];

function view(
  status: DeviceStatus,
  statusDetail: string,
  online: boolean,
  windowOpensAt: string | null = null,
): DeviceStatusView {
  return { status, statusDetail, online, windowOpensAt };
}

/** Whether the rollout has released the install to the device (a plain rollout: at once). */
function dispatched(facts: StatusFacts, device: Row): boolean {
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

function outlookOf(
  facts: StatusFacts,
  devices: ReadonlyMap<string, DeviceStatusView>,
  window: Window,
): RolloutOutlook {
  const base = { offline: [] as string[], approvalWave: null };
  if (facts.rolloutState !== 'in-progress')
    return {
      ...base,
      window: null,
      state: 'ended',
      waitingFor: null,
      message: endedMessage(facts, devices),
    };
  const engine = facts.engine;
  return engine === undefined
    ? openDevicesOutlook(facts, facts.devices, devices, window, 'the rollout')
    : plannedOutlook(facts, engine, devices, window);
}

function plannedOutlook(
  facts: StatusFacts,
  engine: Readonly<EngineState>,
  devices: ReadonlyMap<string, DeviceStatusView>,
  window: Window,
): RolloutOutlook {
  const { machine } = engine;
  const id = facts.rolloutId;
  const run = engine.waves[machine.wave];
  const waveName = `wave ${machine.wave + 1}${run === undefined ? '' : ` (${run.name})`}`;
  const base = { offline: [] as string[], approvalWave: null, window };
  const running = (message: string): RolloutOutlook => ({
    ...base,
    state: 'running',
    waitingFor: null,
    message,
  });
  // A plain rollout (one wave, no bake, no judge) waits on nothing but its devices' results.
  if (engine.plain === true && (machine.name === 'in-wave' || machine.name === 'baking'))
    return openDevicesOutlook(facts, facts.devices, devices, window, 'the rollout');
  switch (machine.name) {
    case 'paused':
      return {
        ...base,
        state: 'waiting',
        waitingFor: 'operator',
        message: `paused at ${waveName} (${machine.reason}): an operator resumes, aborts or rolls back (patchcast rollout resume|abort|rollback ${id})`,
      };
    case 'pending-approval':
      return {
        ...base,
        state: 'waiting',
        waitingFor: 'operator',
        approvalWave: machine.wave + 1,
        message: `${waveName} awaits approval: patchcast rollout approve ${id}`,
      };
    case 'waiting-window':
      return (
        windowWait(base, window, waveName) ?? running(`the window is open: ${waveName} starts`)
      );
    case 'rolling-back': {
      const waiting = facts.devices.filter((d) => engine.rollback?.waiting[d.id] === true);
      return openDevicesOutlook(facts, waiting, devices, window, 'the rollback');
    }
    case 'in-wave':
      if (run !== undefined) return inWaveOutlook(facts, engine, run, devices, window, waveName);
      return running(`${waveName} is running`);
    case 'baking':
      return running(
        `baking ${waveName}${run?.bakeUntil == null ? '' : ` until ${iso(run.bakeUntil)}`}`,
      );
    default:
      return running(`${machine.name} at ${waveName}`);
  }
}

function windowWait(
  base: Pick<RolloutOutlook, 'offline' | 'approvalWave' | 'window'>,
  window: Window,
  what: string,
): RolloutOutlook | undefined {
  if (window === null || window.open) return undefined;
  const when =
    window.opensAt === null
      ? 'no window of the plan ever opens: abort it or start it with another plan'
      : `the plan's maintenance window opens at ${window.opensAt}`;
  return { ...base, state: 'waiting', waitingFor: 'window', message: `${what} waits: ${when}` };
}

function inWaveOutlook(
  facts: StatusFacts,
  engine: Readonly<EngineState>,
  run: WaveRun,
  devices: ReadonlyMap<string, DeviceStatusView>,
  window: Window,
  waveName: string,
): RolloutOutlook {
  const base = { offline: [] as string[], approvalWave: null, window };
  const running = (message: string): RolloutOutlook => ({
    ...base,
    state: 'running',
    waitingFor: null,
    message,
  });
  const inWave = new Set(run.devices);
  const sent = facts.devices.filter((d) => inWave.has(d.id) && dispatched(facts, d));
  const fromDevices = openDevicesOutlook(facts, sent, devices, window, waveName);
  if (sent.some((d) => isActive(facts, d, devices.get(d.id)))) return fromDevices;
  if (run.dispatched < run.devices.length)
    return (
      windowWait(base, window, waveName) ??
      running(
        `${waveName}: ${run.dispatched} of ${run.devices.length} devices sent the patch (at most ${engine.plan.maxConcurrent} at a time)`,
      )
    );
  const timeout = run.deadline === null ? '' : `; the wave times out at ${iso(run.deadline)}`;
  if (fromDevices.state === 'waiting')
    return { ...fromDevices, message: `${fromDevices.message}${timeout}` };
  return running(
    `${waveName}: ${run.succeeded} of ${run.devices.length} succeeded, below the success threshold${timeout}`,
  );
}

/**
 * A device that can still report without anyone: connected and not waiting for its window, or
 * disconnected only moments ago.
 */
function isActive(facts: StatusFacts, device: Row, status: DeviceStatusView | undefined): boolean {
  if (status?.status === 'offline') return facts.reconnecting?.(device.id) === true;
  return status?.status === 'pending' || status?.status === 'installing';
}

/**
 * What a set of devices the rollout waits on implies: running while one of them can still
 * report; else waiting for the offline ones (devices) or for their own windows (window).
 */
function openDevicesOutlook(
  facts: StatusFacts,
  rows: readonly Row[],
  devices: ReadonlyMap<string, DeviceStatusView>,
  window: Window,
  what: string,
): RolloutOutlook {
  const base = { approvalWave: null, window };
  const statusOf = (d: Row) => devices.get(d.id);
  const open = rows.filter((d) => {
    const s = statusOf(d)?.status;
    return (
      s === 'pending' ||
      s === 'installing' ||
      s === 'offline' ||
      s === 'deferred' ||
      (s === 'installed' && facts.engine?.rollback?.waiting[d.id] === true)
    );
  });
  // A device that can still report by itself: connected and not waiting for its own window, or
  // disconnected only moments ago (it reconnects and is sent the patch again).
  const active = open.filter((d) =>
    statusOf(d)?.online === true
      ? statusOf(d)?.status !== 'deferred'
      : facts.reconnecting?.(d.id) === true,
  );
  if (open.length === 0 || active.length > 0)
    return {
      ...base,
      offline: [],
      state: 'running',
      waitingFor: null,
      message: `${what} is running: ${countsText(open.map((d) => statusOf(d)))}`.replace(/: $/, ''),
    };
  const offline = open.filter((d) => statusOf(d)?.online !== true).map((d) => d.name);
  const ownWindow = open.filter((d) => statusOf(d)?.online === true).map((d) => d.name);
  const parts = [
    ...(offline.length > 0
      ? [`${offline.length} offline device(s) to come back: ${list(offline)}`]
      : []),
    ...(ownWindow.length > 0
      ? [`${ownWindow.length} device(s) to reach their own maintenance window: ${list(ownWindow)}`]
      : []),
  ];
  return {
    ...base,
    offline,
    state: 'waiting',
    waitingFor: offline.length > 0 ? 'devices' : 'window',
    message: `${what} waits for ${parts.join(', and ')}`,
  };
}

function list(names: readonly string[]): string {
  return names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, ...`;
}

/** `3 installed, 1 not-notified`: the statuses in their catalog order. */
export function countsText(statuses: readonly (DeviceStatusView | undefined)[]): string {
  const counts = new Map<DeviceStatus, number>();
  for (const s of statuses)
    if (s !== undefined) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

function endedMessage(facts: StatusFacts, devices: ReadonlyMap<string, DeviceStatusView>): string {
  return `${facts.rolloutState}: ${countsText([...devices.values()])}`;
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
