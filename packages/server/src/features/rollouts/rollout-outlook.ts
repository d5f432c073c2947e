/**
 * The rollout's outlook (ADR 0016): whether it still moves by itself, or waits for an operator,
 * offline devices or a maintenance window, and what to do about it. Derived from the per-device
 * status of device-status.ts and, for a rollout on the engine, its machine and waves.
 */
import type { EngineState, WaveRun } from '@patchcast/core';
import type { DeviceStatus, RolloutOutlook } from '@patchcast/protocol';
import { dispatched, iso } from './device-status.js';
import type { DeviceStatusView, Row, StatusFacts, Window } from './device-status.js';

type Base = Pick<RolloutOutlook, 'offline' | 'approvalWave' | 'window'>;

const running = (base: Base, message: string): RolloutOutlook => ({
  ...base,
  state: 'running',
  waitingFor: null,
  message,
});

export function outlookOf(
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
        windowWait(base, window, waveName) ??
        running(base, `the window is open: ${waveName} starts`)
      );
    case 'rolling-back': {
      const waiting = facts.devices.filter((d) => engine.rollback?.waiting[d.id] === true);
      return openDevicesOutlook(facts, waiting, devices, window, 'the rollback');
    }
    case 'in-wave':
      if (run !== undefined) return inWaveOutlook(facts, engine, run, devices, window, waveName);
      return running(base, `${waveName} is running`);
    case 'baking':
      return running(
        base,
        `baking ${waveName}${run?.bakeUntil == null ? '' : ` until ${iso(run.bakeUntil)}`}`,
      );
    case 'judging':
    case 'completed':
    case 'aborted':
    case 'rolled-back':
      return running(base, `${machine.name} at ${waveName}`);
  }
}

function windowWait(base: Base, window: Window, what: string): RolloutOutlook | undefined {
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
  const inWave = new Set(run.devices);
  const sent = facts.devices.filter((d) => inWave.has(d.id) && dispatched(facts, d));
  const fromDevices = openDevicesOutlook(facts, sent, devices, window, waveName);
  if (sent.some((d) => isActive(facts, d, devices.get(d.id)))) return fromDevices;
  if (run.dispatched < run.devices.length)
    return (
      windowWait(base, window, waveName) ??
      running(
        base,
        `${waveName}: ${run.dispatched} of ${run.devices.length} devices sent the patch (at most ${engine.plan.maxConcurrent} at a time)`,
      )
    );
  const timeout = run.deadline === null ? '' : `; the wave times out at ${iso(run.deadline)}`;
  if (fromDevices.state === 'waiting')
    return { ...fromDevices, message: `${fromDevices.message}${timeout}` };
  return running(
    base,
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
