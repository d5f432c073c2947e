import type { RolloutPlan } from './plan.js';
import type { RolloutStateName, Verdict } from './states.js';

export interface RehearsalOptions {
  readonly plan: RolloutPlan;
  /** Number of simulated agents. */
  readonly devices: number;
  /** Probability that the patch fails to install or fails its health check on a device. */
  readonly failureRate: number;
  /** Harmful relative shift of every judged metric on patched devices (0.2 = 20% worse). */
  readonly metricShift?: number;
  readonly seed?: string | number;
  /** Probability that any device, patched or not, reports itself unhealthy. */
  readonly baselineFailureRate?: number;
  /** Share of devices that are offline when notified and come back later. */
  readonly offlineRate?: number;
  /** Share of the fleet given each label or id wave's selector. */
  readonly selectorShare?: number;
  readonly expedite?: boolean;
  /** Simulated start time, milliseconds since the epoch. */
  readonly startAt?: number;
  /** Simulated time after which the rehearsal gives up, in seconds. */
  readonly horizonSeconds?: number;
}

export const REHEARSAL_OUTCOMES = [
  'completed',
  'paused',
  'rolled-back',
  'aborted',
  'stalled',
] as const;
export type RehearsalOutcome = (typeof REHEARSAL_OUTCOMES)[number];

export interface RehearsalFinding {
  readonly subject: string;
  readonly outcome: Verdict;
  readonly reason: string;
}

export interface RehearsalWave {
  /** 1-based. */
  readonly number: number;
  readonly name: string;
  readonly devices: number;
  readonly control: number;
  readonly notified: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Seconds since the rehearsal started; null if it never happened. */
  readonly startedAt: number | null;
  readonly bakeUntil: number | null;
  readonly judgedAt: number | null;
  readonly verdict: Verdict | null;
  readonly findings: readonly RehearsalFinding[];
}

export interface RehearsalDecision {
  readonly at: number;
  readonly wave: number;
  readonly from: RolloutStateName | null;
  readonly to: RolloutStateName;
  readonly event: string;
  readonly detail: string;
}

export interface RehearsalTimeline {
  readonly seed: string;
  readonly devices: number;
  readonly failureRate: number;
  readonly metricShift: number;
  readonly outcome: RehearsalOutcome;
  /** 1-based wave in which the rollout stopped; null when it completed. */
  readonly stoppedInWave: number | null;
  /** Seconds until the rollout first paused, began rolling back or was aborted. */
  readonly stoppedAt: number | null;
  /** Seconds until the last decision. */
  readonly durationSeconds: number;
  readonly devicesNotified: number;
  readonly devicesPatched: number;
  readonly devicesFailed: number;
  /** Devices that failed, plus patched devices whose metrics the patch degraded. */
  readonly devicesHarmed: number;
  /** The same, counted up to the moment the rollout stopped (in-flight installs finish later). */
  readonly devicesHarmedBeforeStop: number;
  readonly devicesRolledBack: number;
  readonly waves: readonly RehearsalWave[];
  readonly decisions: readonly RehearsalDecision[];
}
