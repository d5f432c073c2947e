/** Runs benchmarks one after another, each in its own temporary folder, and keeps their reports. */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { atAbort } from './abort-guard.js';
import type { BenchOptions, BenchReport, Benchmark } from './benchmark.js';
import { busyWarning, describeMachine } from './machine.js';
import type { Machine } from './machine.js';

export interface RunRequest {
  readonly benchmarks: readonly Benchmark[];
  readonly options: BenchOptions;
  readonly outDir: string;
  readonly progress: (line: string) => void;
}

export interface RunResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine;
  readonly options: BenchOptions;
  readonly reports: ReadonlyMap<string, BenchReport>;
}

export async function runBenchmarks(request: RunRequest): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const machine = await describeMachine();
  const warning = busyWarning(machine);
  if (warning !== undefined) request.progress(warning);
  const reports = new Map<string, BenchReport>();
  for (const benchmark of request.benchmarks) {
    const started = performance.now();
    const say = (line: string) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
      request.progress(`[bench ${benchmark.name} ${seconds} s] ${line}`);
    };
    say(`starting: ${benchmark.summary}`);
    reports.set(benchmark.name, await runOne(benchmark, request, reports, say));
    say('done');
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    options: request.options,
    reports,
  };
}

async function runOne(
  benchmark: Benchmark,
  request: RunRequest,
  earlier: ReadonlyMap<string, BenchReport>,
  progress: (line: string) => void,
): Promise<BenchReport> {
  const tmpDir = await mkdtemp(join(tmpdir(), `patchcast-bench-${benchmark.name}-`));
  const forget = atAbort(() => rmSync(tmpDir, { recursive: true, force: true }));
  try {
    return await benchmark.run({
      options: request.options,
      tmpDir,
      outDir: resolve(request.outDir),
      progress,
      earlier,
    });
  } finally {
    forget();
    await rm(tmpDir, { recursive: true, force: true });
  }
}
