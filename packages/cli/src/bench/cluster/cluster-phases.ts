/**
 * The steps of `bench cluster`: connecting each worker's agents to its node, reading each node's
 * memory, and timing one rollout's notices per node on the shared clock.
 */
import type { PatchRef } from '@patchcast/protocol';
import type { BenchContext } from '../benchmark.js';
import { phaseBudgetMs, phaseTimedOut } from '../budget.js';
import { sharedNowMs } from '../clock.js';
import { pollUntil } from '../concurrency.js';
import { CONNECT_MS_PER_AGENT } from '../fanout/fleet-setup.js';
import { procMemory } from '../proc-status.js';
import { distribution } from '../stats.js';
import type { Distribution } from '../stats.js';
import type { ServerProcess } from '../server-process.js';
import type { Fleet } from '../fanout/fleet.js';
import type { Progress } from '../fanout/worker-messages.js';

export interface ClusterRun {
  readonly context: BenchContext;
  readonly nodes: readonly ServerProcess[];
  readonly fleet: Fleet;
  readonly agents: number;
}

export interface NoticeRound {
  readonly all: Distribution;
  /** Per node, the agents connected to it (empty for a node without agents). */
  readonly byNode: readonly Distribution[];
  readonly noticeBytes: number;
}

/** Node index (0-based) of each worker's agents: the first half of the workers on node 0. */
export function nodeOfWorker(fleet: Fleet, nodes: number): (worker: number) => number {
  const per = Math.ceil(fleet.workers / nodes);
  return (worker) => Math.min(nodes - 1, Math.floor(worker / per));
}

/**
 * Connects the agents of the workers `nodeOf` maps to a node (undefined: leave them); those
 * already connected stay as they are.
 */
export async function connectTo(
  run: ClusterRun,
  nodeOf: (worker: number) => number | undefined,
): Promise<void> {
  const budget = phaseBudgetMs(run.context.options, run.agents, CONNECT_MS_PER_AGENT);
  await run.fleet.connect(budget, (worker) => {
    const node = nodeOf(worker);
    return node === undefined ? undefined : run.nodes[node]?.url;
  });
}

export async function rssKiB(nodes: readonly ServerProcess[]): Promise<number[]> {
  return Promise.all(nodes.map(async (node) => (await procMemory(node.pid)).rssKiB));
}

/** Waits until `count` of the fleet's progress reaches `target`; throws when out of time. */
export async function waitForCount(
  run: ClusterRun,
  phase: string,
  count: (progress: Progress) => number,
  target: number,
): Promise<void> {
  const budget = phaseBudgetMs(run.context.options, run.agents, 5);
  let done = 0;
  const complete = await pollUntil(async () => {
    done = count(await run.fleet.progress());
    return done >= target;
  }, budget);
  if (!complete) throw phaseTimedOut(phase, done, target, budget);
}

/**
 * A rollout of `patch` to every device, created on node 0; the notices are timed from the
 * request, overall and per node (by where each worker's agents are connected), then forgotten.
 */
export async function noticeRound(
  run: ClusterRun,
  patch: PatchRef,
  nodeOf: (worker: number) => number,
): Promise<NoticeRound> {
  const t0 = sharedNowMs();
  await run.nodes[0]?.client.createRollout({ patch, devices: { all: true } });
  await waitForCount(run, `notices of ${patch.version}`, (p) => p.noticed, run.agents);
  const samples = await run.fleet.collect();
  await run.fleet.forgetNotices();
  const byNode: number[][] = run.nodes.map(() => []);
  let first = 0;
  run.fleet.shareSizes.forEach((size, worker) => {
    const times = samples.noticeAt.slice(first, first + size);
    first += size;
    for (const t of times) if (t !== null) byNode[nodeOf(worker)]?.push(t - t0);
  });
  return {
    all: distribution(byNode.flat()),
    byNode: byNode.map((times) => distribution(times)),
    noticeBytes: samples.noticeBytes,
  };
}
