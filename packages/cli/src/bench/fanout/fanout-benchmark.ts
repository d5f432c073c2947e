/** `patchcast bench fanout`: how fast a rollout's notice and install reach N live agents. */
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';
import { profileSections } from '../profile/profile-report.js';
import { runBaseline } from './baseline-phase.js';
import { withConnectedFleet } from './fleet-setup.js';
import { fanoutReport } from './fanout-report.js';
import { runRollout } from './rollout-phase.js';

export const DEFAULT_AGENTS = 1000;

export const fanoutBenchmark: Benchmark = {
  name: 'fanout',
  summary: 'notice and install latency to N simulated agents vs a bare ws broadcast',
  run: (context) => runFanout(context, context.options.agents ?? DEFAULT_AGENTS),
};

async function runFanout(context: BenchContext, agents: number): Promise<BenchReport> {
  return withConnectedFleet(context, agents, async (setup) => {
    const rollout = await runRollout(context, setup);
    context.progress(
      `notice p99 ${rollout.notify.p99.toFixed(1)} ms; install p99 ${rollout.install.p99.toFixed(1)} ms`,
    );
    await setup.fleet.disconnect();
    const baseline = await runBaseline(context, setup.fleet, agents, rollout.noticeBytes);
    context.progress(`baseline p99 ${baseline.arrival.p99.toFixed(1)} ms`);
    const report = fanoutReport(setup, rollout, baseline);
    const sections = await profileSections(context, 'fanout', setup.profiler.profiles);
    return { ...report, sections };
  });
}
