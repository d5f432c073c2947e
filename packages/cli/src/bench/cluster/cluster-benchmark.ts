/**
 * `patchcast bench cluster`: a scale point beyond one process. Two server nodes on PostgreSQL +
 * NATS, N simulated agents split between them (fanout's fleet); the notice p99 of a rollout to
 * every agent and each node's memory per connected agent. In the same run, all agents then
 * connect to one node (same database and bus) for the single-node figures, and a bare `ws`
 * broadcast to as many connections gives the machine's limit.
 */
import type { PatchRef } from '@patchcast/protocol';
import type { BenchContext, BenchReport, Benchmark, Figure } from '../benchmark.js';
import { phaseBudgetMs } from '../budget.js';
import { sleep } from '../clock.js';
import { publishPatch, smallBundle } from '../patch-fixture.js';
import { figure, ratio, round } from '../stats.js';
import type { ServerProcess } from '../server-process.js';
import { runBaseline } from '../fanout/baseline-phase.js';
import { ENROLL_MS_PER_AGENT, enrollTokens, rootOf, settleMs } from '../fanout/fleet-setup.js';
import { Fleet } from '../fanout/fleet.js';
import { createServices } from './cluster-services.js';
import { NODES, withNodes } from './cluster-nodes.js';
import { connectTo, noticeRound, nodeOfWorker, rssKiB, waitForCount } from './cluster-phases.js';
import type { ClusterRun, NoticeRound } from './cluster-phases.js';

export const DEFAULT_CLUSTER_AGENTS = 2000;

const PATCHES: readonly PatchRef[] = ['0.8.0', '0.9.0', '1.0.0'].map((version) => ({
  name: 'bench-cluster',
  version,
}));

export const clusterBenchmark: Benchmark = {
  name: 'cluster',
  summary:
    'two server nodes on PostgreSQL + NATS: notice p99 and memory per agent, beside one node',
  run: (context) => runCluster(context),
};

async function runCluster(context: BenchContext): Promise<BenchReport> {
  const { db, bus } = context.options;
  if (db === undefined || bus === undefined)
    return {
      figures: {},
      targets: [],
      notes: ['skipped: needs --db (a PostgreSQL server to create a database on) and --bus (NATS)'],
      sections: [],
      complete: true,
    };
  const services = await createServices(db, bus);
  context.progress(`database ${new URL(services.db).pathname.slice(1)}, stream ${services.stream}`);
  try {
    return await withNodes(context, services, (nodes) => measure(context, nodes));
  } finally {
    await services.drop();
  }
}

async function measure(context: BenchContext, nodes: readonly ServerProcess[]) {
  const agents = context.options.agents ?? DEFAULT_CLUSTER_AGENTS;
  const fleet = Fleet.start(agents, NODES);
  try {
    const run: ClusterRun = { context, nodes, fleet, agents };
    return await measureFleet(run);
  } finally {
    await fleet.stop();
  }
}

async function measureFleet(run: ClusterRun): Promise<BenchReport> {
  const { context, nodes, fleet, agents } = run;
  const [first] = nodes;
  if (first === undefined) throw new Error('no node started');
  const tokens = await enrollTokens(first.client, agents);
  await fleet.enroll(
    first.url,
    await rootOf(first),
    tokens,
    phaseBudgetMs(context.options, agents, ENROLL_MS_PER_AGENT),
  );
  context.progress(`enrolled ${agents} agents`);
  for (const patch of PATCHES) await publishPatch(first, patch, smallBundle(patch));
  await sleep(settleMs(agents));
  const before = await rssKiB(nodes);
  const nodeOf = nodeOfWorker(fleet, NODES);
  await connectTo(run, nodeOf);
  await sleep(settleMs(agents));
  const split = await rssKiB(nodes);
  context.progress(`connected ${agents} agents to ${NODES} nodes`);
  const [cold, warm, single] = PATCHES;
  if (cold === undefined || warm === undefined || single === undefined) throw new Error('patches');
  await connectTo(run, nodeOf); // agents a node dropped (a late heartbeat) connect again
  const twoCold = await noticeRound(run, cold, nodeOf);
  await connectTo(run, nodeOf); // agents a node dropped (a late heartbeat) connect again
  await sleep(settleMs(agents) / 4);
  await fleet.forgetNotices(); // what was sent again to those: not measured
  const twoWarm = await noticeRound(run, warm, nodeOf);
  context.progress(`two nodes: notice p99 ${round(twoWarm.all.p99)} ms`);
  const oneNode = await onOneNode(run, nodeOf, single).catch((error: unknown) => {
    context.progress(`one node: not measured (${String(error)})`);
    return undefined;
  });
  await fleet.disconnect();
  const baseline = await runBaseline(context, fleet, agents, twoWarm.noticeBytes);
  const perNode = fleet.shareSizes.reduce(
    (counts, size, worker) => counts.map((n, node) => (node === nodeOf(worker) ? n + size : n)),
    nodes.map(() => 0),
  );
  const kib = (node: number) =>
    round(((split[node] ?? 0) - (before[node] ?? 0)) / (perNode[node] ?? 1), 1);
  const figures: Record<string, Figure> = {
    agents,
    nodes: NODES,
    agentsPerNode: perNode.join(' '),
    twoNodeNoticeP50Ms: figure(twoWarm.all.p50),
    twoNodeNoticeP99Ms: figure(twoWarm.all.p99),
    twoNodeNoticeP99ByNodeMs: twoWarm.byNode.map((d) => round(d.p99)).join(' '),
    twoNodeColdNoticeP99Ms: figure(twoCold.all.p99),
    oneNodeNoticeP50Ms: oneNode === undefined ? null : figure(oneNode.round.all.p50),
    oneNodeNoticeP99Ms: oneNode === undefined ? null : figure(oneNode.round.all.p99),
    baselineP99Ms: figure(baseline.arrival.p99),
    baselineColdP99Ms: figure(baseline.cold.p99),
    twoNodeVsBaseline: ratio(twoWarm.all.p99, baseline.arrival.p99),
    twoNodeColdVsBaseline: ratio(twoCold.all.p99, baseline.cold.p99),
    oneNodeVsBaseline:
      oneNode === undefined ? null : ratio(oneNode.round.all.p99, baseline.arrival.p99),
    twoNodeKiBPerAgentByNode: nodes.map((_n, i) => kib(i)).join(' '),
    oneNodeKiBPerAgent:
      oneNode === undefined ? null : round((oneNode.rssKiB - (before[0] ?? 0)) / agents, 1),
    serverRssBeforeKiB: before.join(' '),
    noticeBytes: twoWarm.noticeBytes,
  };
  return { figures, targets: [], notes: NOTES, sections: [], complete: true };
}

/** Moves every agent of the other nodes to node 0, then times a rollout from node 0 alone. */
async function onOneNode(
  run: ClusterRun,
  nodeOf: (worker: number) => number,
  patch: PatchRef,
): Promise<{ round: NoticeRound; rssKiB: number }> {
  const { fleet, agents } = run;
  const moved = (worker: number) => nodeOf(worker) !== 0;
  const staying = fleet.shareSizes.reduce((n, size, w) => (moved(w) ? n : n + size), 0);
  await fleet.disconnect(moved);
  // Until the moved agents are gone (the staying ones may be reconnecting after a drop).
  await waitForCount(run, 'disconnect', (p) => agents - p.connected, agents - staying);
  await connectTo(run, (worker) => (moved(worker) ? 0 : undefined));
  await sleep(settleMs(agents));
  const [rss] = await rssKiB(run.nodes.slice(0, 1));
  await connectTo(run, () => 0);
  await sleep(settleMs(agents) / 4);
  // Reconnected agents were sent their open notices again (the rollouts above): not measured.
  await fleet.forgetNotices();
  return { round: await noticeRound(run, patch, () => 0), rssKiB: rss ?? 0 };
}

const NOTES = [
  'Two nodes: the rollout is created on node 1; each node sends the notice (through NATS) to the agents connected to it. Warm = the second rollout; cold = the first. Times run from the rollout request to arrival, on one shared clock.',
  'One node: the same run, every agent connected to node 1 (the same database and bus), a third rollout.',
  'Memory per agent: (node RSS with its agents connected - RSS before any connected) / its agents; one node: node 1 with every agent.',
  'Baseline: a bare ws server process broadcasts a message of the notice size to as many connections (fanout method); warm = median of rounds 2 to 5.',
];
