/**
 * A rollout plan as the engine consumes it: plain, serializable data. The file format that
 * produces it (YAML or JSON, with line-precise errors) lives in @patchcast/protocol.
 */
export type Labels = Readonly<Record<string, string>>;

export type TargetSelector =
  { readonly all: true } | { readonly labels: Labels } | { readonly ids: readonly string[] };

/** Who a wave takes: a share of the target, a number of devices, a selector, or the rest. */
export type WaveSize =
  | { readonly percent: number }
  | { readonly count: number }
  | { readonly labels: Labels }
  | { readonly ids: readonly string[] }
  | { readonly rest: true };

export interface WavePlan {
  readonly name: string;
  readonly size: WaveSize;
  readonly bakeSeconds: number;
  /** An operator must approve before this wave starts. */
  readonly approval: boolean;
}

export interface Thresholds {
  /** Percent of a wave's devices that must succeed before its bake starts. */
  readonly successPercent: number;
  /** Percent of a wave's devices whose failure pauses (or rolls back) at once. */
  readonly failurePercent: number;
}

export interface MaintenanceWindow {
  /** Five-field cron expression (minute hour day-of-month month day-of-week) of window starts. */
  readonly cron: string;
  /** IANA time zone the cron fields are read in. */
  readonly timezone: string;
  readonly durationSeconds: number;
}

export const METRIC_DIRECTIONS = ['increase-is-bad', 'decrease-is-bad'] as const;
export type MetricDirection = (typeof METRIC_DIRECTIONS)[number];

export type Tolerance = { readonly relative: number } | { readonly absolute: number };

export interface MetricPlan {
  readonly name: string;
  readonly direction: MetricDirection;
  /** The largest harmful shift that is still acceptable. */
  readonly tolerance: Tolerance;
}

export const MARGINAL_ACTIONS = ['continue', 'pause'] as const;
export type MarginalAction = (typeof MARGINAL_ACTIONS)[number];

export interface JudgePlan {
  /** Probability, over the whole rollout, of stopping a healthy patch (split by Bonferroni). */
  readonly alpha: number;
  /** Control cohort size per wave: the wave's own size, or a fixed number of devices. */
  readonly controlSize: 'wave' | number;
  /** Fewer reports than this in either cohort makes a comparison inconclusive (marginal). */
  readonly minSamples: number;
  /** Largest acceptable excess failure rate of the wave over the control, in percentage points. */
  readonly failureRateTolerancePoints: number;
  readonly metrics: readonly MetricPlan[];
  readonly onMarginal: MarginalAction;
}

export const FAIL_ACTIONS = ['pause', 'rollback'] as const;
export type FailAction = (typeof FAIL_ACTIONS)[number];

export interface ExpeditePlan {
  readonly waves: readonly WavePlan[];
  readonly ignoreMaintenanceWindows: boolean;
}

export interface RolloutPlan {
  readonly version: 1;
  readonly target: TargetSelector;
  readonly waves: readonly WavePlan[];
  readonly thresholds: Thresholds;
  readonly maxConcurrent: number;
  readonly waveTimeoutSeconds: number;
  readonly installTimeoutSeconds: number;
  readonly maintenanceWindows: readonly MaintenanceWindow[];
  readonly judge: JudgePlan;
  readonly onFail: FailAction;
  /** Used instead of `waves` when the patch fixes an actively exploited vulnerability. */
  readonly expedite?: ExpeditePlan | undefined;
}

/** A device as the engine sees it when a rollout is created. */
export interface FleetDevice {
  readonly id: string;
  readonly labels: Labels;
}
