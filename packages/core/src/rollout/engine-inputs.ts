import type { EngineInput, EngineState, Metrics } from './engine-types.js';

type Input<T extends EngineInput['type']> = Extract<EngineInput, { type: T }>;

function finiteMetrics(metrics: Metrics | undefined): Metrics {
  const kept: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics ?? {}))
    if (Number.isFinite(value)) kept[name] = value;
  return kept;
}

/** Records a patched device's result; unknown, never-notified and repeated reports are ignored. */
export function acceptResult(state: EngineState, input: Input<'device-result'>): void {
  const { deviceId: id } = input;
  const wave = state.deviceWave[id];
  const run = wave === undefined ? undefined : state.waves[wave];
  if (run === undefined || state.dispatchedAt[id] === undefined || state.results[id] !== undefined)
    return;
  state.results[id] = { ok: input.ok, at: input.at, metrics: finiteMetrics(input.metrics) };
  if (input.ok) run.succeeded += 1;
  else run.failed += 1;
  if (state.released[id] === undefined) state.inFlight -= 1;
}

/** Records a control device's health for the wave that asked for it. */
export function acceptControl(
  state: EngineState,
  input: Input<'control-report'>,
  isControl: (wave: number, id: string) => boolean,
): void {
  const run = state.waves[input.wave];
  if (run === undefined || run.judgedAt !== null || !isControl(input.wave, input.deviceId)) return;
  run.controlReports[input.deviceId] = {
    healthy: input.healthy,
    metrics: finiteMetrics(input.metrics),
  };
}

export function acceptRolledBack(state: EngineState, input: Input<'device-rolled-back'>): void {
  const rollback = state.rollback;
  if (rollback?.waiting[input.deviceId] === undefined) return;
  delete rollback.waiting[input.deviceId];
  rollback.confirmed[input.deviceId] = true;
  rollback.pending -= 1;
}

/** The device kept its install (a later one is on disk): the rollback stops waiting for it. */
export function acceptRollbackRefused(
  state: EngineState,
  input: Input<'device-rollback-refused'>,
): void {
  const rollback = state.rollback;
  if (rollback?.waiting[input.deviceId] === undefined) return;
  delete rollback.waiting[input.deviceId];
  rollback.refused = { ...rollback.refused, [input.deviceId]: input.reason.slice(0, 512) };
  rollback.pending -= 1;
}

/** Before resuming: give back what the pause took, so the same condition does not fire again. */
export function prepareResume(state: EngineState): void {
  const machine = state.machine;
  if (machine.name !== 'paused') return;
  const run = state.waves[machine.wave];
  if (machine.reason === 'failure-threshold') state.failureOverride = machine.wave;
  if (machine.reason === 'wave-timeout' && run !== undefined)
    run.deadline = state.now + state.plan.waveTimeoutSeconds * 1000;
}
