/** `patchcast bench fanout`: how fast a rollout's notice and install reach N live agents. */
import { join } from 'node:path';
import type { BenchContext, BenchReport, Benchmark, Section } from '../benchmark.js';
import { profileSection, saveProfile } from '../profile/profile-report.js';
import type { CpuProfile } from '../profile/cpu-profile.js';
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
    return { ...report, sections: await profileSections(context, setup.profiler.profiles) };
  });
}

async function profileSections(
  context: BenchContext,
  profiles: ReadonlyMap<string, CpuProfile>,
): Promise<Section[]> {
  const sections: Section[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const [phase, profile] of profiles) {
    const file = await saveProfile(
      join(context.outDir, 'profiles'),
      `${stamp}-fanout-${phase}`,
      profile,
    );
    sections.push(profileSection(`Server CPU profile: ${phase} phase`, profile, file));
  }
  return sections;
}
