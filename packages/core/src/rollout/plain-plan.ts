/**
 * The plan a plain rollout (`rollout start --devices SELECTOR`) runs on (ADR 0015): one wave of
 * exactly the selected devices, every device notified at once, no bake, no judge, no window, no
 * timeouts. The rollout ends when every device reported, completed or completed with failures
 * as before, and it allows what every rollout allows: abort, and rollback also after it ended.
 */
import type { RolloutPlan } from './plan.js';

/** Longer than any install; the driver's timer is capped anyway. */
const NEVER_SECONDS = 10 * 365 * 24 * 3600;

export function plainPlan(deviceIds: readonly string[]): RolloutPlan {
  return {
    version: 1,
    target: { ids: [...deviceIds] },
    waves: [{ name: 'all', size: { rest: true }, bakeSeconds: 0, approval: false }],
    // 0% to start "baking" at once (where the rest is notified); 100% never stops the wave.
    thresholds: { successPercent: 0, failurePercent: 100 },
    maxConcurrent: Math.max(1, deviceIds.length),
    waveTimeoutSeconds: NEVER_SECONDS,
    installTimeoutSeconds: NEVER_SECONDS,
    maintenanceWindows: [],
    judge: {
      alpha: 0.05,
      controlSize: 0,
      minSamples: 1,
      failureRateTolerancePoints: 100,
      metrics: [],
      onMarginal: 'continue',
    },
    onFail: 'pause',
  };
}
