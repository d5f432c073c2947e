import type { RolloutView, WaveView } from './engine-view.js';
import type { DecisionRecord } from './engine-types.js';
import type {
  RehearsalDecision,
  RehearsalOptions,
  RehearsalOutcome,
  RehearsalTimeline,
  RehearsalWave,
} from './rehearse-types.js';
import type { MachineState } from './states.js';

/** What the simulation counted while it ran. */
export interface Tally {
  readonly start: number;
  readonly decisions: DecisionRecord[];
  harmed: number;
  harmedBeforeStop: number;
  /** When the rollout first paused, began rolling back or was aborted. */
  stoppedAt: number | null;
}

function seconds(start: number, at: number | null): number | null {
  return at === null ? null : Math.round(at - start) / 1000;
}

function outcomeOf(state: MachineState): RehearsalOutcome {
  if (state.name === 'completed' || state.name === 'paused') return state.name;
  if (state.name === 'rolled-back' || state.name === 'aborted') return state.name;
  return 'stalled';
}

function waveOf(start: number, wave: WaveView, index: number): RehearsalWave {
  return {
    number: index + 1,
    name: wave.name,
    devices: wave.devices,
    control: wave.control,
    notified: wave.notified,
    succeeded: wave.succeeded,
    failed: wave.failed,
    startedAt: seconds(start, wave.startedAt),
    bakeUntil: seconds(start, wave.bakeUntil),
    judgedAt: seconds(start, wave.judgedAt),
    verdict: wave.verdict?.verdict ?? null,
    findings: (wave.verdict?.findings ?? []).map(({ subject, outcome, reason }) => ({
      subject,
      outcome,
      reason,
    })),
  };
}

function decisionOf(start: number, entry: DecisionRecord): RehearsalDecision {
  return {
    at: seconds(start, entry.at) ?? 0,
    wave: entry.wave + 1,
    from: entry.from,
    to: entry.to,
    event: entry.event,
    detail: entry.detail,
  };
}

/** The rehearsal's report: outcome, counts, every wave and every decision, times in seconds. */
export function buildTimeline(
  view: RolloutView,
  tally: Tally,
  options: RehearsalOptions & { readonly seed: string },
): RehearsalTimeline {
  const sum = (pick: (w: WaveView) => number): number =>
    view.waves.reduce((total, w) => total + pick(w), 0);
  const outcome = outcomeOf(view.state);
  return {
    seed: options.seed,
    devices: options.devices,
    failureRate: options.failureRate,
    metricShift: options.metricShift ?? 0,
    outcome,
    stoppedInWave: outcome === 'completed' ? null : view.state.wave + 1,
    stoppedAt: seconds(tally.start, tally.stoppedAt),
    durationSeconds: seconds(tally.start, tally.decisions.at(-1)?.at ?? tally.start) ?? 0,
    devicesNotified: sum((w) => w.notified),
    devicesPatched: sum((w) => w.succeeded),
    devicesFailed: sum((w) => w.failed),
    devicesHarmed: tally.harmed,
    devicesHarmedBeforeStop: tally.stoppedAt === null ? tally.harmed : tally.harmedBeforeStop,
    devicesRolledBack: view.rollback === null ? 0 : view.rollback.total - view.rollback.pending,
    waves: view.waves.map((wave, i) => waveOf(tally.start, wave, i)),
    decisions: tally.decisions.map((entry) => decisionOf(tally.start, entry)),
  };
}
