/** Fanout's figures, its targets side by side with what was measured, and notes. */
import type { BenchReport, Figure, TargetCheck } from '../benchmark.js';
import { figure, ratio, round } from '../stats.js';
import type { BaselineOutcome } from './baseline-phase.js';
import type { ConnectedFleet } from './fleet-setup.js';
import type { RolloutOutcome } from './rollout-phase.js';

export const TARGET_AGENTS = 10_000;
export const MAX_KIB_PER_AGENT = 16;
const MAX_NOTIFY_RATIO = 1.5;

export function serverKiBPerAgent(setup: ConnectedFleet): number {
  return round((setup.rssConnectedKiB - setup.rssBeforeKiB) / setup.agents, 1);
}

export function memoryFigures(setup: ConnectedFleet): Record<string, Figure> {
  return {
    serverRssBeforeKiB: setup.rssBeforeKiB,
    serverRssConnectedKiB: setup.rssConnectedKiB,
    serverRssPerAgentKiB: serverKiBPerAgent(setup),
  };
}

export function memoryTarget(setup: ConnectedFleet): TargetCheck {
  const perAgent = serverKiBPerAgent(setup);
  return {
    target: `at most ${MAX_KIB_PER_AGENT} KiB of server memory per connected agent (at ${TARGET_AGENTS} agents)`,
    measured: `${perAgent} KiB per agent at ${setup.agents} agents`,
    met: perAgent <= MAX_KIB_PER_AGENT,
  };
}

export function fanoutReport(
  setup: ConnectedFleet,
  rollout: RolloutOutcome,
  baseline: BaselineOutcome,
): BenchReport {
  return {
    figures: {
      ...latencyFigures(setup, rollout, baseline),
      ...otherFigures(setup, rollout, baseline),
    },
    targets: [notifyTarget(setup.agents, rollout, baseline), memoryTarget(setup)],
    notes: notes(setup, rollout),
    sections: [],
    complete: rollout.installComplete && Object.keys(rollout.failures).length === 0,
  };
}

function latencyFigures(
  setup: ConnectedFleet,
  { notify, notifyCold, install, installComplete }: RolloutOutcome,
  { arrival, cold }: BaselineOutcome,
): Record<string, Figure> {
  return {
    agents: setup.agents,
    notifyP50Ms: figure(notify.p50),
    notifyP99Ms: figure(notify.p99),
    notifyMaxMs: figure(notify.max),
    baselineP50Ms: figure(arrival.p50),
    baselineP99Ms: figure(arrival.p99),
    baselineMaxMs: figure(arrival.max),
    notifyP99VsBaseline: ratio(notify.p99, arrival.p99),
    notifyColdP99Ms: figure(notifyCold.p99),
    baselineColdP99Ms: figure(cold.p99),
    notifyColdP99VsBaseline: ratio(notifyCold.p99, cold.p99),
    installP50Ms: figure(install.p50),
    installP99Ms: installComplete ? figure(install.p99) : null,
    installMaxMs: installComplete ? figure(install.max) : null,
    installed: install.count,
  };
}

function otherFigures(
  setup: ConnectedFleet,
  rollout: RolloutOutcome,
  baseline: BaselineOutcome,
): Record<string, Figure> {
  return {
    ...memoryFigures(setup),
    serverPeakRssKiB: rollout.serverPeakRssKiB,
    workersRssMiB: round(rollout.workerRssKiB / 1024, 1),
    noticeBytes: rollout.noticeBytes,
    baselineBytes: baseline.bytes,
    baselineSendLoopMs: round(baseline.sendLoopMs),
    baselineRoundsP99Ms: baseline.roundsP99Ms.map((ms) => round(ms, 1)).join(' '),
    rolloutRequestMs: round(rollout.rolloutRequestMs),
    installsReleasedMs: round(rollout.installsReleasedMs),
    rolloutState: rollout.rolloutState,
    enrollSeconds: round(setup.enrollSeconds, 1),
    connectSeconds: round(setup.connectSeconds, 1),
  };
}

function notifyTarget(
  agents: number,
  rollout: RolloutOutcome,
  baseline: BaselineOutcome,
): TargetCheck {
  const r = ratio(rollout.notify.p99, baseline.arrival.p99);
  return {
    target: `notice to ${TARGET_AGENTS} agents: p99 within ${MAX_NOTIFY_RATIO}x of the bare ws baseline`,
    measured: `${r ?? '?'}x at ${agents} agents (p99 ${round(rollout.notify.p99)} ms vs ${round(baseline.arrival.p99)} ms)`,
    met: r === null ? undefined : r <= MAX_NOTIFY_RATIO,
  };
}

function notes(setup: ConnectedFleet, rollout: RolloutOutcome): string[] {
  const lines = [
    'Notice times run from the rollout request to arrival; baseline times from the start of the bare send loop to arrival; one shared clock (processes agree within about 1 ms).',
    'Warm figures: the measured rollout follows a warm-up rollout; the baseline is the round with the median p99 of the bare broadcasts after the first (baselineRoundsP99Ms). Cold figures: the first rollout, the first broadcast.',
    'Install = real TUF refresh + length- and hash-checked download + bundle read, until the server acknowledged the installed report; nothing is written to disk.',
    'Installs are released once every agent has its notice (installsReleasedMs after the request), so that simulated install work does not take CPU from the server while it delivers; install times still count from the rollout request.',
  ];
  if (setup.agents < TARGET_AGENTS)
    lines.push(`The targets are stated for ${TARGET_AGENTS} agents; this run had ${setup.agents}.`);
  if (rollout.install.count === 0 && rollout.installComplete)
    lines.push('Installs were not run (--notice-only).');
  if (!rollout.installComplete)
    lines.push('Installs did not all finish in time: install p99 and max are missing.');
  for (const [code, n] of Object.entries(rollout.failures))
    lines.push(`${n} agent(s) failed: ${code}`);
  return lines;
}
