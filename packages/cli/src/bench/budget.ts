/** Every waiting phase of a benchmark is bounded: a base plus a share per agent, capped by --timeout. */
import { PatchcastError } from '@patchcast/core';
import type { BenchOptions } from './benchmark.js';

export function phaseBudgetMs(options: BenchOptions, agents: number, perAgentMs: number): number {
  return Math.min(options.timeoutSeconds * 1000, 30_000 + agents * perAgentMs);
}

export function phaseTimedOut(
  phase: string,
  done: number,
  total: number,
  ms: number,
): PatchcastError {
  return new PatchcastError(
    'INTERNAL',
    `${phase}: only ${done} of ${total} finished within ${Math.round(ms / 1000)} s; aborting`,
    { hint: 'raise --timeout SECONDS or lower --agents N' },
  );
}
