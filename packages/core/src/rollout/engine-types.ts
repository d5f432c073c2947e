/** The rollout engine's inputs, outputs and serializable state. */
import type { JudgeVerdict } from './judge.js';
import type { FleetDevice, RolloutPlan } from './plan.js';
import type { MachineEventType, MachineState, Refusal, RolloutStateName } from './states.js';

export type Metrics = Readonly<Record<string, number>>;

/** Everything that can happen to a rollout. `at` is milliseconds since the epoch. */
export type EngineInput =
  | { readonly type: 'tick'; readonly at: number }
  | {
      readonly type: 'device-result';
      readonly at: number;
      readonly deviceId: string;
      /** Installed and healthy; false if the install or its health check failed. */
      readonly ok: boolean;
      readonly metrics?: Metrics;
    }
  | {
      readonly type: 'control-report';
      readonly at: number;
      readonly wave: number;
      readonly deviceId: string;
      readonly healthy: boolean;
      readonly metrics?: Metrics;
    }
  | { readonly type: 'device-rolled-back'; readonly at: number; readonly deviceId: string }
  | {
      /** The device would not undo the install: it is no longer the one on disk (ROLLBACK_STALE). */
      readonly type: 'device-rollback-refused';
      readonly at: number;
      readonly deviceId: string;
      readonly reason: string;
    }
  | { readonly type: 'approve'; readonly at: number; readonly wave: number; readonly by?: string }
  | {
      readonly type: 'pause' | 'resume' | 'abort' | 'rollback';
      readonly at: number;
      readonly by?: string;
    };

export interface DecisionRecord {
  readonly seq: number;
  readonly at: number;
  /** The wave the decision was about (the one the rollout was in before the transition). */
  readonly wave: number;
  /** Null for the record of the rollout's creation. */
  readonly from: RolloutStateName | null;
  readonly to: RolloutStateName;
  readonly event: MachineEventType | 'created';
  readonly detail: string;
  readonly by: string | null;
  readonly verdict: JudgeVerdict | null;
}

/** What the caller must do: talk to devices, persist a decision, wake the engine later. */
export type EngineEffect =
  | { readonly type: 'notify-devices'; readonly wave: number; readonly deviceIds: string[] }
  | { readonly type: 'collect-health'; readonly wave: number; readonly deviceIds: string[] }
  | { readonly type: 'roll-back-devices'; readonly deviceIds: string[] }
  | { readonly type: 'request-approval'; readonly wave: number }
  | { readonly type: 'schedule-tick'; readonly at: number }
  | { readonly type: 'record'; readonly entry: DecisionRecord };

export interface StepResult {
  readonly effects: readonly EngineEffect[];
  /** Set when the input was not accepted in the current state; nothing changed then. */
  readonly refusal: Refusal | null;
}

export interface DeviceOutcome {
  readonly ok: boolean;
  readonly at: number;
  readonly metrics: Metrics;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly metrics: Metrics;
}

export interface WaveRun {
  readonly name: string;
  readonly devices: readonly string[];
  readonly control: readonly string[];
  readonly bakeSeconds: number;
  dispatched: number;
  expiryCursor: number;
  succeeded: number;
  failed: number;
  startedAt: number | null;
  deadline: number | null;
  bakeUntil: number | null;
  judgedAt: number | null;
  verdict: JudgeVerdict | null;
  controlReports: Record<string, HealthReport>;
}

export interface RollbackRun {
  readonly total: number;
  /** Devices told to roll back that have not confirmed yet. */
  waiting: Record<string, true>;
  confirmed: Record<string, true>;
  /** Devices that refused the undo, with their reason (absent from older snapshots). */
  refused?: Record<string, string>;
  pending: number;
}

export interface WindowCache {
  readonly open: boolean;
  /** When the cached answer stops being true: closing or opening time; null for never. */
  readonly until: number | null;
}

/** The whole engine state: plain JSON, so a server can persist it and resume after a restart. */
export interface EngineState {
  readonly format: 1;
  readonly rolloutId: string;
  readonly plan: RolloutPlan;
  readonly expedited: boolean;
  /** Started with `--devices`: the one-wave plan of plainPlan() (absent from older snapshots). */
  readonly plain?: boolean;
  /** Comparisons the rollout-wide alpha is split across: judged waves x (1 + metrics). */
  readonly comparisons: number;
  machine: MachineState;
  now: number;
  seq: number;
  waves: WaveRun[];
  deviceWave: Record<string, number>;
  dispatchedAt: Record<string, number>;
  released: Record<string, true>;
  results: Record<string, DeviceOutcome>;
  inFlight: number;
  window: WindowCache | null;
  /** The wave whose failure threshold an operator overrode by resuming. */
  failureOverride: number | null;
  rollback: RollbackRun | null;
  nextTick: number | null;
}

export interface CreateRolloutInput {
  readonly rolloutId: string;
  readonly plan: RolloutPlan;
  readonly devices: readonly FleetDevice[];
  readonly now: number;
  /** Use the plan's expedite policy (an actively exploited vulnerability). */
  readonly expedite?: boolean;
  /** A plain rollout (`rollout start --devices`) on plainPlan(). */
  readonly plain?: boolean;
}
