/**
 * The measured part of fanout: publish a small patch, start a rollout to every agent, and time, on
 * the shared clock, each agent's notice and its acknowledged `installed` report. A first (warm-up)
 * rollout to every agent runs before, only to the notices: it is reported as the cold figure, and
 * the measured rollout finds the server warm, as it is in service.
 */
import type { BenchContext } from '../benchmark.js';
import { phaseBudgetMs, phaseTimedOut } from '../budget.js';
import { sharedNowMs, sleep } from '../clock.js';
import { pollUntil } from '../concurrency.js';
import { publishPatch, smallBundle } from '../patch-fixture.js';
import { procMemory } from '../proc-status.js';
import { distribution } from '../stats.js';
import type { Distribution } from '../stats.js';
import { settleMs, stayOnline } from './fleet-setup.js';
import type { ConnectedFleet } from './fleet-setup.js';
import type { Progress } from './worker-messages.js';

export interface RolloutOutcome {
  readonly notify: Distribution;
  readonly notifyCold: Distribution;
  readonly install: Distribution;
  readonly installComplete: boolean;
  readonly noticeBytes: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly rolloutRequestMs: number;
  readonly installsReleasedMs: number;
  readonly rolloutState: string;
  readonly serverPeakRssKiB: number;
  readonly workerRssKiB: number;
}

const PATCH = { name: 'bench-fanout', version: '1.0.0' };
const WARM_UP = { name: 'bench-fanout', version: '0.9.0' };

export async function runRollout(
  context: BenchContext,
  setup: ConnectedFleet,
): Promise<RolloutOutcome> {
  const { server, fleet } = setup;
  await publishPatch(server, WARM_UP, smallBundle(WARM_UP));
  await publishPatch(server, PATCH, smallBundle(PATCH));
  await stayOnline(context, setup, setup.agents);
  await sleep(settleMs(setup.agents) / 4);
  const notifyCold = await warmUp(context, setup);
  await stayOnline(context, setup, setup.agents);
  await sleep(settleMs(setup.agents) / 4);
  const timed = await timeRollout(context, setup);
  const samples = await fleet.collect();
  const status = await server.client.rollout(timed.rolloutId);
  return {
    notify: distribution(relative(samples.noticeAt, timed.t0)),
    notifyCold,
    install: distribution(relative(samples.installedAt, timed.t0)),
    installComplete:
      context.options.noticeOnly === true || samples.installedAt.every((t) => t !== null),
    noticeBytes: samples.noticeBytes,
    failures: samples.failures,
    rolloutRequestMs: timed.requestMs,
    installsReleasedMs: timed.installsReleasedMs,
    rolloutState: `${status.state} (${status.counts.installed}/${status.counts.total} installed)`,
    serverPeakRssKiB: (await procMemory(server.pid)).hwmKiB,
    workerRssKiB: samples.rssKiB,
  };
}

async function warmUp(context: BenchContext, setup: ConnectedFleet): Promise<Distribution> {
  const t0 = sharedNowMs();
  await setup.server.client.createRollout({ patch: WARM_UP, devices: { all: true } });
  await waitFor(context, setup, 'notice', (p) => p.noticed, 5);
  const samples = await setup.fleet.collect();
  await setup.fleet.forgetNotices();
  return distribution(relative(samples.noticeAt, t0));
}

interface TimedRollout {
  readonly rolloutId: string;
  readonly t0: number;
  readonly requestMs: number;
  readonly installsReleasedMs: number;
}

async function timeRollout(context: BenchContext, setup: ConnectedFleet): Promise<TimedRollout> {
  const { server, profiler } = setup;
  await profiler.begin();
  const t0 = sharedNowMs();
  const rollout = await server.client.createRollout({ patch: PATCH, devices: { all: true } });
  const requestMs = sharedNowMs() - t0;
  await waitFor(context, setup, 'notice', (p) => p.noticed, 5);
  await profiler.end('notify');
  await profiler.begin();
  const installsReleasedMs = sharedNowMs() - t0;
  if (context.options.noticeOnly === true) {
    await profiler.end('install');
    return { rolloutId: rollout.id, t0, requestMs, installsReleasedMs };
  }
  await setup.fleet.install();
  const installed = (p: Progress) => p.installed + p.failed;
  await waitFor(context, setup, 'install', installed, 30);
  await profiler.end('install');
  return { rolloutId: rollout.id, t0, requestMs, installsReleasedMs };
}

/** Waits until `count` reaches every agent; notices must all arrive, installs may run out of time. */
async function waitFor(
  context: BenchContext,
  setup: ConnectedFleet,
  phase: 'notice' | 'install',
  count: (progress: Progress) => number,
  perAgentMs: number,
): Promise<boolean> {
  const budget = phaseBudgetMs(context.options, setup.agents, perAgentMs);
  let done = 0;
  let reported = sharedNowMs();
  const complete = await pollUntil(async () => {
    done = count(await setup.fleet.progress());
    if (sharedNowMs() - reported > 5000) {
      context.progress(`${phase}: ${done}/${setup.agents}`);
      reported = sharedNowMs();
    }
    return done >= setup.agents;
  }, budget);
  if (!complete && phase === 'notice')
    throw phaseTimedOut('fanout notice', done, setup.agents, budget);
  if (!complete)
    context.progress(`${phase}: only ${done}/${setup.agents} after ${budget / 1000} s`);
  return complete;
}

export function relative(times: readonly (number | null)[], t0: number): number[] {
  return times.filter((t): t is number => t !== null).map((t) => t - t0);
}
