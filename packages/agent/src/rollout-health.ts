/**
 * Health for the canary judge (docs/protocol/agent-channel.md "Health"): the outcome of the
 * patch's health check plus numeric metrics, `healthMs` (the probe's latency) and any line
 * `PATCHCAST_METRIC name=value` that the check printed. A control device runs the same check,
 * verified the same way, against its unpatched root.
 */
import type { Health, ParsedBundle } from '@patchcast/protocol';
import { errorCodeOf } from '@patchcast/core/base';
import { runHealthChecks } from './health/health-check.js';
import type { InstallOutcome } from './install/index.js';

const METRIC_LINE =
  /^PATCHCAST_METRIC\s+([A-Za-z0-9._-]{1,64})=(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;
const MAX_METRICS = 63;

export function parseHealthMetrics(output: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const line of output.split('\n')) {
    const match = METRIC_LINE.exec(line.trim());
    if (match === null || Object.keys(metrics).length >= MAX_METRICS) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) metrics[match[1] ?? ''] = value;
  }
  return metrics;
}

/** The health part of a final report, from the install engine's outcome. */
export function installHealth(outcome: InstallOutcome): Health {
  const failedCheck = outcome.error?.code === 'HEALTH_CHECK_FAILED';
  return {
    healthy: outcome.status === 'installed',
    metrics: {
      ...parseHealthMetrics(outcome.healthOutput ?? ''),
      healthMs: outcome.timings.healthMs,
      ...(failedCheck ? { healthFailures: 1 } : { healthFailures: 0 }),
    },
  };
}

/**
 * Runs the bundle's health check (command and probes, exactly as an install would) in the
 * managed root without installing anything, with PATCHCAST_CONTROL=1 in its environment.
 */
export async function controlHealth(bundle: ParsedBundle, root: string): Promise<Health> {
  let output = '';
  let healthy = true;
  const started = performance.now();
  try {
    await runHealthChecks({
      root,
      manifest: bundle.manifest,
      env: { PATCHCAST_CONTROL: '1' },
      onOutput: (text) => (output = text),
    });
  } catch (error) {
    if (errorCodeOf(error) !== 'HEALTH_CHECK_FAILED') throw error;
    healthy = false;
  }
  const healthMs = performance.now() - started;
  const healthFailures = healthy ? 0 : 1;
  return { healthy, metrics: { ...parseHealthMetrics(output), healthMs, healthFailures } };
}
