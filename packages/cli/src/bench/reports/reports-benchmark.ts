/**
 * `patchcast bench reports`: what an installed device costs the server. N loopback agents hold a
 * rollout's notice; at once each sends what a real agent sends after a successful install (its
 * installed list, the `installed` report, its package inventory diff), skipping its own
 * verification. Measured: installed reports acknowledged per second, and the server process's
 * CPU time (/proc/PID/stat) per report, from the release until every report and inventory diff
 * was acknowledged: the report, its device-result log entry, the findings update. A first
 * rollout, released the same way without the inventory diffs, gives the report path alone. Then
 * a `patchcast audit verify` of the server shows every report logged exactly once.
 */
import { join } from 'node:path';
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';
import { phaseBudgetMs } from '../budget.js';
import { pollUntil } from '../concurrency.js';
import { procCpuMicros } from '../proc-cpu.js';
import { PhaseProfiler } from '../profile/phase-profiler.js';
import { profileSections } from '../profile/profile-report.js';
import { startServerProcess } from '../server-process.js';
import type { ServerProcess } from '../server-process.js';
import { round } from '../stats.js';
import { runAudit } from '../../audit/run-audit.js';
import { serverSource } from '../../audit/server-source.js';
import type { LoopbackAgent } from './loopback-agent.js';
import { FLEET_LIMITS } from './fleet-limits.js';
import { REPORTS_PATCHES, packagesOf, rollOut, setUpFleet } from './reports-fleet.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

export const DEFAULT_REPORT_AGENTS = 2000;
const TARGET_PER_SECOND = 5000;

export const reportsBenchmark: Benchmark = {
  name: 'reports',
  summary: 'installed reports per second and server CPU per report (log entry, findings)',
  run: (context) => runReports(context, context.options.agents ?? DEFAULT_REPORT_AGENTS),
};

interface Window {
  readonly reportsMs: number;
  readonly allMs: number;
  readonly cpuUs: number;
  readonly acked: number;
  readonly synced: number;
}

async function release(
  context: BenchContext,
  server: ServerProcess,
  agents: readonly LoopbackAgent[],
  withInventory: boolean,
): Promise<Window> {
  const budget = phaseBudgetMs(context.options, agents.length, 5);
  const cpu0 = await procCpuMicros(server.pid);
  const t0 = performance.now();
  for (const [i, agent] of agents.entries())
    agent.reportInstalled(withInventory ? packagesOf(i, true) : undefined);
  const acked = () => agents.filter((a) => a.ackedAt !== undefined).length;
  const synced = () => agents.filter((a) => a.syncs >= (withInventory ? 2 : 1)).length;
  await pollUntil(() => Promise.resolve(acked() === agents.length), budget, 5);
  const reportsEnd = Math.max(...agents.map((a) => a.ackedAt ?? performance.now()));
  await pollUntil(() => Promise.resolve(synced() === agents.length), budget, 5);
  const cpuUs = (await procCpuMicros(server.pid)) - cpu0;
  return {
    reportsMs: reportsEnd - t0,
    allMs: performance.now() - t0,
    cpuUs,
    acked: acked(),
    synced: synced(),
  };
}

async function logSize(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/log/checkpoint`)).text();
  return Number(text.split('\n')[1]);
}

async function runReports(context: BenchContext, count: number): Promise<BenchReport> {
  const db = context.options.db;
  const server = await startServerProcess({
    dataDir: join(context.tmpDir, 'server'),
    db,
    flags: FLEET_LIMITS,
    inspect: context.options.profile,
  });
  const profiler = await PhaseProfiler.attach(server.inspectorUrl);
  let agents: LoopbackAgent[] = [];
  try {
    agents = await setUpFleet(context, server, count);
    const [plain, full] = REPORTS_PATCHES;
    await rollOut(context, server, agents, plain);
    await settle();
    context.progress(`reports: ${count} installed reports, no inventory diff`);
    await profiler.begin();
    const only = await release(context, server, agents, false);
    await profiler.end('reports-only');
    await rollOut(context, server, agents, full);
    await settle();
    const sizeBefore = await logSize(server);
    context.progress(`reports: ${count} installed reports with their inventory diffs`);
    await profiler.begin();
    const w = await release(context, server, agents, true);
    await profiler.end('reports');
    const sizeAfter = await logSize(server);
    const { rollouts } = await server.client.rollouts();
    const installed = rollouts.reduce((n, r) => n + r.counts.installed, 0);
    context.progress(`reports: auditing the log against the server's records`);
    const audit = await runAudit(serverSource(server.client, true), { progress: () => undefined });
    const perSecond = (w.acked * 1000) / w.reportsMs;
    const failures = agents.flatMap((a) => (a.failure === undefined ? [] : [a.failure]));
    return {
      figures: {
        agents: count,
        reportsPerSecond: Math.round(perSecond),
        serverCpuUsPerReport: Math.round(w.cpuUs / count),
        store: db === undefined ? 'sqlite' : 'postgres',
        reportsOnlyPerSecond: Math.round((only.acked * 1000) / only.reportsMs),
        reportsOnlyCpuUsPerReport: Math.round(only.cpuUs / count),
        reportsWindowMs: Math.round(w.reportsMs),
        inventoriesWindowMs: Math.round(w.allMs),
        acknowledged: w.acked,
        inventoriesAcknowledged: w.synced,
        installed,
        logEntriesAdded: sizeAfter - sizeBefore,
        auditProblems: audit.problems.length,
        failures: failures.length,
        reconnects: agents.reduce((n, a) => n + a.reconnects, 0),
      },
      targets: [
        {
          target: `at least ${TARGET_PER_SECOND} installed reports per second, every one logged`,
          measured: `${Math.round(perSecond)}/s; audit: ${audit.problems.length} problems`,
          met: db === undefined ? perSecond >= TARGET_PER_SECOND && audit.ok : undefined,
        },
      ],
      notes: [
        `CPU per report is the server process's user + system time from the release until every report and inventory diff was acknowledged, divided by ${count}; clock-tick resolution (${round(10_000 / count, 1)} us per report at 100 Hz)`,
        ...audit.problems.slice(0, 5).map((p) => `audit: ${p.where}: ${p.what}`),
        ...failures.slice(0, 5).map((f) => `agent failure: ${f}`),
      ],
      sections: await profileSections(context, 'reports', profiler.profiles),
      complete: only.acked === count && w.acked === count && w.synced === count && audit.ok,
    };
  } finally {
    profiler.close();
    for (const agent of agents) agent.close();
    await server.stop();
  }
}
