import type { EngineEffect, EngineState, WaveRun } from './engine-types.js';
import { controlDeadline } from './engine-settle.js';

function expiryOf(state: EngineState, run: WaveRun): number | null {
  if (run.expiryCursor >= run.dispatched) return null;
  const id = run.devices[run.expiryCursor] ?? '';
  return (state.dispatchedAt[id] ?? 0) + state.plan.installTimeoutSeconds * 1000;
}

function waveTimes(state: EngineState, run: WaveRun): (number | null)[] {
  const window = state.window;
  const closed = window !== null && !window.open && run.dispatched < run.devices.length;
  const pending = state.inFlight > 0 ? state.waves.map((r) => expiryOf(state, r)) : [];
  return [
    ...pending,
    state.machine.name === 'baking' ? run.bakeUntil : run.deadline,
    state.machine.name === 'baking' ? controlDeadline(state, run) : null,
    closed ? window.until : null,
  ];
}

/** The next instant at which time alone can change something, or null. */
export function nextWake(state: EngineState): number | null {
  const { machine } = state;
  let times: (number | null)[] = [];
  if (machine.name === 'waiting-window' && state.window?.open === false)
    times = [state.window.until];
  const run = state.waves[machine.wave];
  if ((machine.name === 'in-wave' || machine.name === 'baking') && run !== undefined)
    times = waveTimes(state, run);
  const future = times.filter((t): t is number => t !== null && t > state.now);
  return future.length > 0 ? Math.min(...future) : null;
}

export function scheduleWake(state: EngineState, out: EngineEffect[]): void {
  const wake = nextWake(state);
  if (wake === state.nextTick) return;
  state.nextTick = wake;
  if (wake !== null) out.push({ type: 'schedule-tick', at: wake });
}
