/**
 * Health for the canary judge (docs/protocol/agent-channel.md "Health"): the outcome of the
 * patch's health check plus numeric metrics, `healthMs` (the probe's latency) and any line
 * `PATCHCAST_METRIC name=value` that the check printed. A control device runs the same check,
 * verified the same way, against its unpatched root.
 */
import type { Health, ParsedBundle } from '@patchcast/protocol';
import { runCommand } from './install/index.js';
import type { InstallOutcome } from './install/index.js';

const METRIC_LINE =
  /^PATCHCAST_METRIC\s+([A-Za-z0-9._-]{1,64})=(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;
const MAX_METRICS = 63;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

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

/** Runs the bundle's health check in the managed root without installing anything. */
export async function controlHealth(bundle: ParsedBundle, root: string): Promise<Health> {
  const spec = bundle.manifest.health;
  if (spec === undefined) return { healthy: true, metrics: { healthMs: 0, healthFailures: 0 } };
  const result = await runCommand(spec.command, {
    cwd: root,
    timeoutMs: spec.timeoutMs,
    env: {
      PATH: process.env.PATH ?? DEFAULT_PATH,
      PATCHCAST_ROOT: root,
      PATCHCAST_PATCH_NAME: bundle.manifest.name,
      PATCHCAST_PATCH_VERSION: bundle.manifest.version,
      PATCHCAST_STEP: 'health',
      PATCHCAST_CONTROL: '1',
    },
  });
  const healthy = result.exitCode === 0 && !result.timedOut;
  return {
    healthy,
    metrics: {
      ...parseHealthMetrics(result.output),
      healthMs: result.durationMs,
      healthFailures: healthy ? 0 : 1,
    },
  };
}
