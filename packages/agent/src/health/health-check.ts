/** The bundle's health check, shared by every installer: the command, then the probes. */
import type { BundleManifest } from '@patchcast/protocol';
import { assertSucceeded, runStep } from '../install/hooks.js';

export interface HealthContext {
  readonly root: string;
  readonly manifest: BundleManifest;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** Throws HEALTH_CHECK_FAILED naming what failed; returns the health command's output. */
export async function runHealthChecks(context: HealthContext): Promise<string | undefined> {
  const spec = context.manifest.health;
  if (spec === undefined) return undefined;
  const result = await runStep('health', spec, context);
  assertSucceeded('health', result);
  return result.output;
}
