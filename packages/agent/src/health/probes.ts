/**
 * Runs the bundle's health probes in order. Each is attempted, then attempted again every
 * `intervalMs`, until it passes; one deadline covers them all (no attempt starts after it; one
 * may end up to its own timeout later). The first probe still failing at the deadline fails the
 * health check (HEALTH_CHECK_FAILED), named with its last reason.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchcastError } from '@patchcast/core/base';
import type { BundleProbes } from '@patchcast/protocol';
import { attemptProbe } from './probe-checks.js';

export interface ProbeRunContext {
  readonly root: string;
  readonly env: Readonly<Record<string, string>>;
}

export async function runProbes(probes: BundleProbes, context: ProbeRunContext): Promise<void> {
  const started = performance.now();
  const deadline = started + probes.deadlineMs;
  for (const probe of probes.checks) {
    for (let attempt = 1; ; attempt++) {
      const failure = await attemptProbe(probe, context);
      if (failure === undefined) break;
      if (performance.now() + probes.intervalMs >= deadline) {
        const elapsed = Math.round(performance.now() - started);
        throw new PatchcastError(
          'HEALTH_CHECK_FAILED',
          `health probe "${probe.name}" failed: ${failure} (${attempt} attempt(s) in ${elapsed} ms)`,
          { hint: `the install was rolled back; fix what probe "${probe.name}" checks` },
        );
      }
      await sleep(probes.intervalMs);
    }
  }
}
