/** Hooks and the health check: run with a small, explicit environment in the managed root. */
import { PatchcastError } from '@patchcast/core/base';
import type { BundleCommand, BundleManifest } from '@patchcast/protocol';
import { runCommand } from './run-command.js';
import type { RunResult } from './run-command.js';

export type StepName = 'preInstall' | 'postInstall' | 'health';

export interface StepContext {
  readonly root: string;
  readonly manifest: BundleManifest;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function runStep(step: StepName, spec: BundleCommand, context: StepContext) {
  return runCommand(spec.command, {
    cwd: context.root,
    env: stepEnv(step, context),
    timeoutMs: spec.timeoutMs,
  });
}

/** The agent's own environment is not inherited (it may hold credentials); PATH is. */
export function stepEnv(step: StepName, context: StepContext): Record<string, string> {
  return {
    PATH: process.env.PATH ?? DEFAULT_PATH,
    ...context.env,
    PATCHCAST_ROOT: context.root,
    PATCHCAST_PATCH_NAME: context.manifest.name,
    PATCHCAST_PATCH_VERSION: context.manifest.version,
    PATCHCAST_STEP: step,
  };
}

/** Throws HOOK_FAILED or HEALTH_CHECK_FAILED unless the command exited with status 0. */
export function assertSucceeded(step: StepName, result: RunResult): void {
  if (result.exitCode === 0 && !result.timedOut) return;
  const what = step === 'health' ? 'health check' : `${step} hook`;
  const code = step === 'health' ? 'HEALTH_CHECK_FAILED' : 'HOOK_FAILED';
  throw new PatchcastError(code, `${what} ${failureOf(result)}${lastLine(result.output)}`, {
    hint: `the managed root was restored; see the ${what} output`,
  });
}

function failureOf(result: RunResult): string {
  if (result.timedOut) return `timed out after ${Math.round(result.durationMs)} ms`;
  if (result.spawnError !== undefined) return `could not start: ${result.spawnError}`;
  if (result.signal !== null) return `was killed by ${result.signal}`;
  return `exited with status ${result.exitCode ?? 'unknown'}`;
}

function lastLine(output: string): string {
  const line = output.trimEnd().split('\n').at(-1)?.trim() ?? '';
  return line === '' ? '' : `: ${line.slice(0, 200)}`;
}
