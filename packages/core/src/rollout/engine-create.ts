import type { CreateRolloutInput, EngineState, WaveRun } from './engine-types.js';
import type { RolloutPlan, WavePlan } from './plan.js';
import type { MachineShape } from './states.js';
import { assignWaves, chooseControls, orderTarget } from './wave-assignment.js';

export function effectiveWaves(plan: RolloutPlan, expedited: boolean): readonly WavePlan[] {
  return expedited && plan.expedite !== undefined ? plan.expedite.waves : plan.waves;
}

export function shapeOf(state: EngineState): MachineShape {
  return {
    approvals: effectiveWaves(state.plan, state.expedited).map((w) => w.approval),
    onFail: state.plan.onFail,
    onMarginal: state.plan.judge.onMarginal,
  };
}

function waveRun(plan: WavePlan, devices: string[], control: string[]): WaveRun {
  return {
    name: plan.name,
    devices,
    control,
    bakeSeconds: plan.bakeSeconds,
    dispatched: 0,
    expiryCursor: 0,
    succeeded: 0,
    failed: 0,
    startedAt: null,
    deadline: null,
    bakeUntil: null,
    judgedAt: null,
    verdict: null,
    controlReports: {},
  };
}

/** A new rollout's state before its first transition: waves and controls fixed once. */
export function createEngineState(input: CreateRolloutInput): EngineState {
  const expedited = input.expedite === true && input.plan.expedite !== undefined;
  const plans = effectiveWaves(input.plan, expedited);
  const ordered = orderTarget(input.plan, input.rolloutId, input.devices);
  const devices = assignWaves(plans, ordered);
  const controls = chooseControls(devices, input.plan.judge);
  const deviceWave: Record<string, number> = {};
  devices.forEach((ids, wave) => ids.forEach((id) => (deviceWave[id] = wave)));
  const judged = controls.filter((c) => c.length > 0).length;
  return {
    format: 1,
    rolloutId: input.rolloutId,
    plan: input.plan,
    expedited,
    ...(input.plain === true ? { plain: true } : {}),
    comparisons: judged * (1 + input.plan.judge.metrics.length),
    machine: { name: 'waiting-window', wave: 0 },
    now: input.now,
    seq: 0,
    waves: plans.map((plan, i) => waveRun(plan, devices[i] ?? [], controls[i] ?? [])),
    deviceWave,
    dispatchedAt: {},
    released: {},
    results: {},
    inFlight: 0,
    window: null,
    failureOverride: null,
    rollback: null,
    nextTick: null,
  };
}
