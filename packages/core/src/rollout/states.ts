/** The rollout state machine's closed sets: states, events, effects and refusals. */
import type { FailAction, MarginalAction } from './plan.js';

export const ROLLOUT_STATES = [
  'pending-approval',
  'waiting-window',
  'in-wave',
  'baking',
  'judging',
  'paused',
  'rolling-back',
  'completed',
  'rolled-back',
  'aborted',
] as const;
export type RolloutStateName = (typeof ROLLOUT_STATES)[number];

/** Where `resume` leads back to; `next-wave` continues as if the wave had passed. */
export const RESUME_POINTS = [
  'pending-approval',
  'waiting-window',
  'in-wave',
  'baking',
  'judging',
  'next-wave',
] as const;
export type ResumePoint = (typeof RESUME_POINTS)[number];

export const PAUSE_REASONS = [
  'operator',
  'failure-threshold',
  'wave-timeout',
  'judge-fail',
  'judge-marginal',
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const VERDICTS = ['pass', 'marginal', 'fail'] as const;
export type Verdict = (typeof VERDICTS)[number];

type ActiveName = Exclude<RolloutStateName, 'paused'>;

export type MachineState =
  | { readonly name: ActiveName; readonly wave: number }
  | {
      readonly name: 'paused';
      readonly wave: number;
      readonly resume: ResumePoint;
      readonly reason: PauseReason;
    };

export const MACHINE_EVENTS = [
  'approve',
  'window-open',
  'success-threshold-reached',
  'failure-threshold-exceeded',
  'wave-timeout',
  'bake-elapsed',
  'verdict',
  'pause',
  'resume',
  'abort',
  'rollback',
  'rollback-complete',
] as const;
export type MachineEventType = (typeof MACHINE_EVENTS)[number];

export type MachineEvent =
  | { readonly type: 'approve'; readonly wave: number }
  | { readonly type: 'verdict'; readonly verdict: Verdict }
  | { readonly type: Exclude<MachineEventType, 'approve' | 'verdict'> };

/** What the engine must do after a transition. */
export type MachineEffect =
  | { readonly type: 'request-approval'; readonly wave: number }
  | { readonly type: 'await-window'; readonly wave: number }
  | { readonly type: 'dispatch'; readonly wave: number }
  | { readonly type: 'start-bake'; readonly wave: number }
  | { readonly type: 'judge'; readonly wave: number }
  | { readonly type: 'roll-back' };

/** The parts of a plan the machine needs. */
export interface MachineShape {
  readonly approvals: readonly boolean[];
  readonly onFail: FailAction;
  readonly onMarginal: MarginalAction;
}

export interface Refusal {
  readonly state: RolloutStateName;
  readonly event: MachineEventType;
  readonly reason: string;
}

export type TransitionResult =
  | { readonly ok: true; readonly state: MachineState; readonly effects: readonly MachineEffect[] }
  | { readonly ok: false; readonly refusal: Refusal };

export function isFinished(state: MachineState): boolean {
  return state.name === 'completed' || state.name === 'rolled-back' || state.name === 'aborted';
}
