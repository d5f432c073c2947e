import type { EngineState } from './engine-types.js';
import type { JudgeVerdict } from './judge.js';
import type { MachineState } from './states.js';

export interface WaveView {
  readonly name: string;
  readonly devices: number;
  readonly control: number;
  readonly controlReports: number;
  readonly notified: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly startedAt: number | null;
  readonly bakeUntil: number | null;
  readonly judgedAt: number | null;
  readonly verdict: JudgeVerdict | null;
}

export interface RolloutView {
  readonly rolloutId: string;
  readonly state: MachineState;
  readonly expedited: boolean;
  readonly now: number;
  readonly waves: readonly WaveView[];
  readonly rollback: {
    readonly total: number;
    readonly pending: number;
    /** Devices that refused the undo, with their reason (absent when none did). */
    readonly refused?: Readonly<Record<string, string>>;
  } | null;
}

/** A compact read-only summary of a rollout for status displays. */
export function rolloutView(state: EngineState): RolloutView {
  return {
    rolloutId: state.rolloutId,
    state: state.machine,
    expedited: state.expedited,
    now: state.now,
    waves: state.waves.map((run) => ({
      name: run.name,
      devices: run.devices.length,
      control: run.control.length,
      controlReports: Object.keys(run.controlReports).length,
      notified: run.dispatched,
      succeeded: run.succeeded,
      failed: run.failed,
      startedAt: run.startedAt,
      bakeUntil: run.bakeUntil,
      judgedAt: run.judgedAt,
      verdict: run.verdict,
    })),
    rollback:
      state.rollback === null
        ? null
        : {
            total: state.rollback.total,
            pending: state.rollback.pending,
            ...(Object.keys(state.rollback.refused ?? {}).length === 0
              ? {}
              : { refused: { ...state.rollback.refused } }),
          },
  };
}
