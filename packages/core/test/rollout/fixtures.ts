import type { FleetDevice, RolloutPlan, WavePlan } from '../../src/rollout/index.js';

export const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function wave(
  name: string,
  size: WavePlan['size'],
  bakeSeconds = 600,
  approval = false,
): WavePlan {
  return { name, size, bakeSeconds, approval };
}

/** A plan with two metrics and no windows; override what a test needs. */
export function plan(overrides: Partial<RolloutPlan> = {}): RolloutPlan {
  return {
    version: 1,
    target: { all: true },
    waves: [
      wave('canary', { count: 10 }),
      wave('half', { percent: 50 }),
      wave('rest', { rest: true }),
    ],
    thresholds: { successPercent: 80, failurePercent: 20 },
    maxConcurrent: 1000,
    waveTimeoutSeconds: 86_400,
    installTimeoutSeconds: 7200,
    maintenanceWindows: [],
    judge: {
      alpha: 0.05,
      controlSize: 'wave',
      minSamples: 5,
      failureRateTolerancePoints: 1,
      metrics: [
        { name: 'cpu', direction: 'increase-is-bad', tolerance: { relative: 0.1 } },
        { name: 'rps', direction: 'decrease-is-bad', tolerance: { absolute: 5 } },
      ],
      onMarginal: 'continue',
    },
    onFail: 'pause',
    ...overrides,
  };
}

export function fleet(count: number, labels: Record<string, string> = {}): FleetDevice[] {
  return Array.from({ length: count }, (_, i) => ({ id: `dev-${i}`, labels }));
}
