import type { EngineInput, Metrics } from './engine-types.js';
import type { MetricPlan } from './plan.js';
import type { SeededRandom } from './prng.js';

/** How simulated agents behave: latency, outages, failures and metric distributions. */
export interface DeviceModel {
  readonly rng: SeededRandom;
  readonly failureRate: number;
  readonly baselineFailureRate: number;
  readonly metricShift: number;
  readonly offlineRate: number;
  readonly metrics: readonly MetricPlan[];
}

const NETWORK_MS = 20;
const JITTER_MEAN_MS = 200;
const OFFLINE_MEAN_MS = 2 * 3_600_000;
const INSTALL_MS: readonly [number, number] = [30_000, 300_000];
const ROLLBACK_MS: readonly [number, number] = [10_000, 60_000];
const METRIC_MEDIAN = 100;
const METRIC_SIGMA = 0.25;
/** For an absolute tolerance, a typical value ten times as large: the tolerance is then 10%. */
const ABSOLUTE_SCALE = 10;

function medianOf(metric: MetricPlan): number {
  const { tolerance } = metric;
  return 'absolute' in tolerance && tolerance.absolute > 0
    ? ABSOLUTE_SCALE * tolerance.absolute
    : METRIC_MEDIAN;
}

/** Time until a message reaches the device and it starts acting on it. */
function reachDelay(model: DeviceModel): number {
  const offline = model.rng.bernoulli(model.offlineRate)
    ? model.rng.exponential(OFFLINE_MEAN_MS)
    : 0;
  return NETWORK_MS + model.rng.exponential(JITTER_MEAN_MS) + offline;
}

function sampleMetrics(model: DeviceModel, patched: boolean): Metrics {
  const metrics: Record<string, number> = {};
  for (const metric of model.metrics) {
    const harm = patched ? model.metricShift : 0;
    const factor = metric.direction === 'increase-is-bad' ? 1 + harm : Math.max(0, 1 - harm);
    const value = medianOf(metric) * Math.exp(METRIC_SIGMA * model.rng.normal()) * factor;
    metrics[metric.name] = Math.round(value * 10) / 10;
  }
  return metrics;
}

/** The result a notified device will send, and when. */
export function installOutcome(model: DeviceModel, deviceId: string, now: number): EngineInput {
  const at = now + reachDelay(model) + model.rng.uniform(...INSTALL_MS);
  const fails =
    model.rng.bernoulli(model.failureRate) || model.rng.bernoulli(model.baselineFailureRate);
  if (fails) return { type: 'device-result', at, deviceId, ok: false };
  return { type: 'device-result', at, deviceId, ok: true, metrics: sampleMetrics(model, true) };
}

/** A control device's health report, sent within the first part of the bake. */
export function controlReport(
  model: DeviceModel,
  deviceId: string,
  wave: number,
  now: number,
  bakeMs: number,
): EngineInput {
  const at = now + reachDelay(model) + model.rng.uniform(0, Math.max(1, bakeMs / 2));
  const healthy = !model.rng.bernoulli(model.baselineFailureRate);
  return {
    type: 'control-report',
    at,
    wave,
    deviceId,
    healthy,
    metrics: sampleMetrics(model, false),
  };
}

export function rollbackConfirmation(
  model: DeviceModel,
  deviceId: string,
  now: number,
): EngineInput {
  const at = now + reachDelay(model) + model.rng.uniform(...ROLLBACK_MS);
  return { type: 'device-rolled-back', at, deviceId };
}
