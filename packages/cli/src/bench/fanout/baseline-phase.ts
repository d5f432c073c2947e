/**
 * The physical baseline, in the same run: a bare `ws` server process broadcasts a message of the
 * notice's size to as many connections, opened by the same worker processes from the same addresses.
 * It broadcasts several times: the first round is the cold figure (like fanout's warm-up rollout);
 * of the others, the round with the median p99 stands for the machine's limit, so that one unlucky
 * round (other work on the machine) does not move the yardstick.
 */
import type { BenchContext } from '../benchmark.js';
import { phaseBudgetMs, phaseTimedOut } from '../budget.js';
import { sleep } from '../clock.js';
import { pollUntil } from '../concurrency.js';
import { ForkedPeer } from '../rpc.js';
import { distribution } from '../stats.js';
import type { Distribution } from '../stats.js';
import type { BaselineReplies, BaselineRequest } from './baseline-messages.js';
import type { Fleet } from './fleet.js';
import { settleMs } from './fleet-setup.js';
import { relative } from './rollout-phase.js';

export interface BaselineRound {
  readonly arrival: Distribution;
  readonly bytes: number;
  readonly sendLoopMs: number;
}

export interface BaselineOutcome extends BaselineRound {
  readonly cold: Distribution;
  readonly roundsP99Ms: readonly number[];
}

const ROUNDS = 5;

type BaselineServer = ForkedPeer<BaselineRequest, BaselineReplies>;

export async function runBaseline(
  context: BenchContext,
  fleet: Fleet,
  agents: number,
  bytes: number,
): Promise<BaselineOutcome> {
  const entry = new URL('./baseline-main.js', import.meta.url);
  const server: BaselineServer = new ForkedPeer(entry, 'baseline ws server');
  try {
    const { port } = await server.call({ kind: 'listen' }, 10_000);
    await fleet.baselineConnect(
      `ws://127.0.0.1:${port}/`,
      phaseBudgetMs(context.options, agents, 10),
    );
    const rounds: BaselineRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(settleMs(agents));
      rounds.push(await broadcast(context, server, fleet, agents, bytes));
    }
    return medianRound(rounds);
  } finally {
    await fleet.baselineDisconnect().catch(() => undefined);
    await server.stop();
  }
}

async function broadcast(
  context: BenchContext,
  server: BaselineServer,
  fleet: Fleet,
  agents: number,
  bytes: number,
): Promise<BaselineRound> {
  const { sent, startedAt, loopMs } = await server.call({ kind: 'broadcast', bytes }, 60_000);
  const budget = phaseBudgetMs(context.options, agents, 5);
  let arrived = 0;
  const complete = await pollUntil(async () => {
    arrived = (await fleet.progress()).baselineArrived;
    return arrived >= sent;
  }, budget);
  if (!complete || sent < agents)
    throw phaseTimedOut('baseline broadcast', arrived, agents, budget);
  const samples = await fleet.baselineCollect();
  return {
    arrival: distribution(relative(samples.arrivedAt, startedAt)),
    bytes: samples.bytes,
    sendLoopMs: loopMs,
  };
}

function medianRound(rounds: readonly BaselineRound[]): BaselineOutcome {
  const [first, ...warm] = rounds;
  const byP99 = [...warm].sort((a, b) => a.arrival.p99 - b.arrival.p99);
  const median = byP99[Math.floor((byP99.length - 1) / 2)];
  if (first === undefined || median === undefined) throw new Error('too few baseline rounds ran');
  return { ...median, cold: first.arrival, roundsP99Ms: rounds.map((r) => r.arrival.p99) };
}
