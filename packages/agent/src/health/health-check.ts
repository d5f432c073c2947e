/** The bundle's health check, shared by every installer: the command, then the probes. */
import type { BundleManifest } from '@patchcast/protocol';
import { assertSucceeded, runStep, stepEnv } from '../install/hooks.js';
import { runProbes } from './probes.js';

export interface HealthContext {
  readonly root: string;
  readonly manifest: BundleManifest;
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Told the health command's output, also when it fails. */
  readonly onOutput?: (output: string) => void;
}

/** Throws HEALTH_CHECK_FAILED naming what failed. */
export async function runHealthChecks(context: HealthContext): Promise<void> {
  const spec = context.manifest.health;
  if (spec !== undefined) {
    const result = await runStep('health', spec, context);
    context.onOutput?.(result.output);
    assertSucceeded('health', result);
  }
  const probes = context.manifest.probes;
  if (probes !== undefined)
    await runProbes(probes, { root: context.root, env: stepEnv('health', context) });
}
