import { resolve } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import type { Command, Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';
import type { BenchOptions, Benchmark } from '../bench/benchmark.js';
import { BENCHMARKS } from '../bench/registry.js';
import { resultJson, writeResults } from '../bench/results.js';
import { runBenchmarks } from '../bench/run-benchmarks.js';

const NAMES = [...BENCHMARKS.map((b) => b.name), 'all'];

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure fan-out, serving, memory and more against the machine’s own limits',
  usage: `patchcast bench <${NAMES.join('|')}> [--agents N] [--duration S] [--timeout S] [--db URL] [--bus URL] [--size MB] [--notice-only] [--profile] [--agent-exe FILE] [--json] [--out DIR]`,
  help: `Starts a real server in its own process in a temporary folder and measures it. Progress goes to
stderr; results are written as JSON and markdown (with a description of the machine) to DIR.

Benchmarks:
${BENCHMARKS.map((b) => `  ${b.name.padEnd(8)} ${b.summary}`).join('\n')}
  all      every benchmark above, in this order

Options:
  --agents N      simulated agents for fanout and memory (default 1000; the targets are for 10000),
                  cluster (default 2000),
                  reports (default 2000), devices for vulns (default 10000)
  --duration S    seconds of download load for serve (default 10)
  --size MB       swarm: the patch size in MB (default 10; with --agents, default 20 agents)
  --timeout S     longest wait for any one phase, in seconds (default 300)
  --db URL        reports: run the server on this PostgreSQL database (give an empty one; the
                  benchmark fills it), instead of SQLite in the temporary folder; cluster: a
                  PostgreSQL server, where it creates a database bench_perf_... and drops it after
  --bus URL       cluster: the NATS server of its two nodes (a stream of its own, deleted after)
  --notice-only   fanout: stop after the notices (the install phase takes minutes at 10000)
  --profile       CPU profiles of the server: fanout's connect, notice and install phases and
                  serve's measured window (DIR/profiles/*.cpuprofile, summarised in the results)
  --agent-exe FILE
                  memory: measure this packaged agent (\`npm run package:agent\` writes
                  dist/packages/patchcast-agent-VERSION) instead of \`patchcast agent\`
  --out DIR       where results go (default: bench/results)
  --json          print the results as JSON on stdout (one benchmark: its figures at the top level)

Exits 0 when every benchmark completed, 1 when one ran out of time or lost agents.`,
  options: {
    agents: { type: 'string' },
    duration: { type: 'string' },
    timeout: { type: 'string' },
    db: { type: 'string' },
    size: { type: 'string' },
    bus: { type: 'string' },
    'notice-only': { type: 'boolean' },
    profile: { type: 'boolean' },
    'agent-exe': { type: 'string' },
    out: { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const benchmarks = selected(invocation.positionals[0] ?? '');
    const outDir = stringFlag(invocation, 'out') ?? 'bench/results';
    const progress = (line: string) => invocation.io.err(`${line}\n`);
    const result = await runBenchmarks({
      benchmarks,
      options: benchOptions(invocation),
      outDir,
      progress,
    });
    const files = await writeResults(outDir, result);
    progress(`results: ${files.json}\n         ${files.markdown}`);
    if (boolFlag(invocation, 'json')) printJson(invocation, resultJson(result));
    return [...result.reports.values()].every((r) => r.complete) ? 0 : 1;
  },
};

function selected(name: string): readonly Benchmark[] {
  if (name === 'all') return BENCHMARKS;
  const benchmark = BENCHMARKS.find((b) => b.name === name);
  if (benchmark === undefined)
    throw new PatchcastError('USAGE', `unknown benchmark "${name}"`, {
      hint: `one of: ${NAMES.join(', ')}`,
    });
  return [benchmark];
}

function benchOptions(invocation: Invocation): BenchOptions {
  return {
    agents: wholeNumber(invocation, 'agents', 1, 50_000),
    durationSeconds: wholeNumber(invocation, 'duration', 1, 600),
    timeoutSeconds: wholeNumber(invocation, 'timeout', 10, 3600) ?? 300,
    profile: boolFlag(invocation, 'profile'),
    agentExe: agentExeFlag(invocation),
    db: stringFlag(invocation, 'db'),
    sizeMb: wholeNumber(invocation, 'size', 1, 1000),
    bus: stringFlag(invocation, 'bus'),
    noticeOnly: boolFlag(invocation, 'notice-only'),
  };
}

function agentExeFlag(invocation: Invocation): string | undefined {
  const file = stringFlag(invocation, 'agent-exe');
  return file === undefined ? undefined : resolve(file);
}

function wholeNumber(
  invocation: Invocation,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  const text = stringFlag(invocation, flag);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new PatchcastError('USAGE', `--${flag} must be a whole number from ${min} to ${max}`);
  return value;
}
