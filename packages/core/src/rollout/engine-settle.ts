import { apply, runOf } from './engine-machine.js';
import type { EngineEffect, EngineState, WaveRun } from './engine-types.js';
import { windowStatus } from './maintenance-window.js';
import type { MachineEvent } from './states.js';

interface Automatic {
  readonly event: MachineEvent;
  readonly detail: string;
}

const MAX_STEPS = 1000;

/** Feeds the machine every event that the current data implies, until nothing more follows. */
export function settle(state: EngineState, out: EngineEffect[]): void {
  for (let step = 0; step < MAX_STEPS; step += 1) {
    expireInstalls(state);
    const next = automaticEvent(state, out);
    if (next === null || apply(state, next.event, { detail: next.detail }, out) !== null) return;
  }
}

function automaticEvent(state: EngineState, out: EngineEffect[]): Automatic | null {
  const { machine } = state;
  if (machine.name === 'rolling-back') return rollbackEvent(state);
  if (machine.name === 'waiting-window')
    return windowOpen(state) ? { event: { type: 'window-open' }, detail: 'wave started' } : null;
  if (machine.name !== 'in-wave' && machine.name !== 'baking') return null;
  const run = runOf(state, machine.wave);
  const failure = failureEvent(state, run, machine.wave);
  if (failure !== null) return failure;
  if (machine.name === 'baking') {
    dispatch(state, run, machine.wave, out);
    const allNotified = run.dispatched === run.devices.length;
    const ready = allNotified && state.now >= (run.bakeUntil ?? 0) && evidenceIn(state, run);
    return ready ? bakeElapsed(run) : null;
  }
  if (run.succeeded * 100 >= state.plan.thresholds.successPercent * run.devices.length)
    return successEvent(state, run);
  if (run.deadline !== null && state.now >= run.deadline) return timeoutEvent(state, run);
  dispatch(state, run, machine.wave, out);
  return null;
}

/**
 * The judge waits for the evidence it can still get: no install in flight (each reports or
 * times out), and every control device's report or, failing that, one install timeout since
 * the wave started.
 */
export function evidenceIn(state: EngineState, run: WaveRun): boolean {
  if (state.inFlight > 0) return false;
  const controlsIn = Object.keys(run.controlReports).length >= run.control.length;
  return controlsIn || state.now >= controlDeadline(state, run);
}

export function controlDeadline(state: EngineState, run: WaveRun): number {
  return (run.startedAt ?? state.now) + state.plan.installTimeoutSeconds * 1000;
}

function rollbackEvent(state: EngineState): Automatic | null {
  const rollback = state.rollback;
  if (rollback === null || rollback.pending > 0) return null;
  const refused = Object.keys(rollback.refused ?? {}).length;
  const kept = refused === 0 ? '' : `; ${refused} refused (a later install is on disk)`;
  return {
    event: { type: 'rollback-complete' },
    detail: `${rollback.total - refused} device(s) rolled back${kept}`,
  };
}

function failureEvent(state: EngineState, run: WaveRun, wave: number): Automatic | null {
  const limit = state.plan.thresholds.failurePercent;
  if (state.failureOverride === wave || run.failed * 100 <= limit * run.devices.length) return null;
  return {
    event: { type: 'failure-threshold-exceeded' },
    detail: `${run.failed} of ${run.devices.length} devices failed: above the failure threshold of ${limit}%`,
  };
}

function successEvent(state: EngineState, run: WaveRun): Automatic {
  return {
    event: { type: 'success-threshold-reached' },
    detail: `${run.succeeded} of ${run.devices.length} devices succeeded (threshold ${state.plan.thresholds.successPercent}%): baking ${run.bakeSeconds}s`,
  };
}

function timeoutEvent(state: EngineState, run: WaveRun): Automatic {
  return {
    event: { type: 'wave-timeout' },
    detail: `only ${run.succeeded} of ${run.devices.length} devices succeeded within ${state.plan.waveTimeoutSeconds}s`,
  };
}

function bakeElapsed(run: WaveRun): Automatic {
  return { event: { type: 'bake-elapsed' }, detail: `bake of ${run.bakeSeconds}s elapsed` };
}

/** Whether installs may start now, cached until the window's next change. */
export function windowOpen(state: EngineState): boolean {
  if (state.expedited && state.plan.expedite?.ignoreMaintenanceWindows === true) return true;
  const cached = state.window;
  if (cached !== null && (cached.until === null || state.now < cached.until)) return cached.open;
  const status = windowStatus(state.plan.maintenanceWindows, state.now);
  state.window = status.open
    ? { open: true, until: status.closesAt }
    : { open: false, until: status.opensAt };
  return status.open;
}

function dispatch(state: EngineState, run: WaveRun, wave: number, out: EngineEffect[]): void {
  if (run.startedAt === null) {
    run.startedAt = state.now;
    run.deadline = state.now + state.plan.waveTimeoutSeconds * 1000;
    if (run.control.length > 0)
      out.push({ type: 'collect-health', wave, deviceIds: [...run.control] });
  }
  const room = state.plan.maxConcurrent - state.inFlight;
  if (run.dispatched >= run.devices.length || room <= 0 || !windowOpen(state)) return;
  const batch = run.devices.slice(run.dispatched, run.dispatched + room);
  for (const id of batch) state.dispatchedAt[id] = state.now;
  run.dispatched += batch.length;
  state.inFlight += batch.length;
  out.push({ type: 'notify-devices', wave, deviceIds: batch });
}

/** Frees the concurrency slot of every install that has not reported within the timeout. */
function expireInstalls(state: EngineState): void {
  const timeout = state.plan.installTimeoutSeconds * 1000;
  for (const run of state.waves) {
    while (run.expiryCursor < run.dispatched) {
      const id = run.devices[run.expiryCursor] ?? '';
      const pending = state.results[id] === undefined && state.released[id] === undefined;
      if (pending && (state.dispatchedAt[id] ?? 0) + timeout > state.now) break;
      if (pending) {
        state.released[id] = true;
        state.inFlight -= 1;
      }
      run.expiryCursor += 1;
    }
  }
}
