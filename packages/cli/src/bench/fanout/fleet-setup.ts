/**
 * Setup shared by fanout and memory: a real server process, N simulated agents enrolled for real
 * and connected, and the server's memory before and after they connected. Setup is not measured.
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import type { PatchcastClient } from '@patchcast/protocol';
import type { BenchContext } from '../benchmark.js';
import { phaseBudgetMs } from '../budget.js';
import { sharedNowMs, sleep } from '../clock.js';
import { forEachLimited, pollUntil } from '../concurrency.js';
import { procMemory } from '../proc-status.js';
import { startServerProcess } from '../server-process.js';
import type { ServerProcess } from '../server-process.js';
import { PhaseProfiler } from '../profile/phase-profiler.js';
import { Fleet } from './fleet.js';

export interface ConnectedFleet {
  readonly server: ServerProcess;
  readonly fleet: Fleet;
  /** Profiles server phases when the benchmark runs with --profile. */
  readonly profiler: PhaseProfiler;
  readonly agents: number;
  readonly rssBeforeKiB: number;
  readonly rssConnectedKiB: number;
  readonly enrollSeconds: number;
  readonly connectSeconds: number;
}

/**
 * Setup budgets per agent (capped by --timeout): generous, since setup is not measured and a
 * machine shared with other work enrolls 25 to 100 agents a second.
 */
export const ENROLL_MS_PER_AGENT = 100;
export const CONNECT_MS_PER_AGENT = 30;

/** Lets the server finish what connecting left behind before its memory is read. */
export function settleMs(agents: number): number {
  return Math.min(2000, 250 + agents);
}

export async function withConnectedFleet<T>(
  context: BenchContext,
  agents: number,
  body: (setup: ConnectedFleet) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess({
    dataDir: join(context.tmpDir, 'server'),
    inspect: context.options.profile,
  });
  const fleet = Fleet.start(agents);
  const profiler = await PhaseProfiler.attach(server.inspectorUrl).catch(async (error: unknown) => {
    await Promise.all([fleet.stop(), server.stop()]);
    throw error;
  });
  try {
    context.progress(
      `server pid ${server.pid} at ${server.url}; ${fleet.workers} worker process(es)`,
    );
    return await body(await connect(context, { server, fleet, profiler }, agents));
  } finally {
    profiler.close();
    await fleet.stop();
    await server.stop();
  }
}

type Parts = Pick<ConnectedFleet, 'server' | 'fleet' | 'profiler'>;

async function connect(
  context: BenchContext,
  parts: Parts,
  agents: number,
): Promise<ConnectedFleet> {
  const enrollSeconds = await enrollAll(context, parts, agents);
  await sleep(settleMs(agents));
  const before = await procMemory(parts.server.pid);
  const connectSeconds = await connectAll(context, parts, agents);
  await sleep(settleMs(agents));
  const after = await procMemory(parts.server.pid);
  return {
    ...parts,
    agents,
    rssBeforeKiB: before.rssKiB,
    rssConnectedKiB: after.rssKiB,
    enrollSeconds,
    connectSeconds,
  };
}

async function enrollAll(context: BenchContext, parts: Parts, agents: number): Promise<number> {
  const { server, fleet } = parts;
  const started = sharedNowMs();
  const tokens = await enrollTokens(server.client, agents);
  context.progress(`created ${agents} enrollment tokens`);
  const root = await rootOf(server);
  const budget = phaseBudgetMs(context.options, agents, ENROLL_MS_PER_AGENT);
  await whileReporting(context, parts.fleet, 'enrolled', () =>
    fleet.enroll(server.url, root, tokens, budget),
  );
  const seconds = (sharedNowMs() - started) / 1000;
  context.progress(`enrolled ${agents} agents in ${seconds.toFixed(1)} s`);
  return seconds;
}

async function connectAll(context: BenchContext, parts: Parts, agents: number): Promise<number> {
  const { fleet, profiler } = parts;
  const started = sharedNowMs();
  await profiler.begin();
  const budget = phaseBudgetMs(context.options, agents, CONNECT_MS_PER_AGENT);
  await whileReporting(context, fleet, 'connected', () => fleet.connect(budget));
  await profiler.end('connect');
  await stayOnline(context, parts, agents);
  const seconds = (sharedNowMs() - started) / 1000;
  context.progress(`connected ${agents} agents in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** Runs `work`, printing the fleet's `key` count every 10 s until it settles. */
async function whileReporting<T>(
  context: BenchContext,
  fleet: Fleet,
  key: 'enrolled' | 'connected',
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => {
    fleet.progress().then(
      (p) => context.progress(`${key} ${p[key]} so far`),
      () => undefined,
    );
  }, 10_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export async function enrollTokens(client: PatchcastClient, count: number): Promise<string[]> {
  const tokens = new Array<string>(count).fill('');
  await forEachLimited(tokens, 16, async (_unused, i) => {
    tokens[i] = (await client.createEnrollToken()).token;
  });
  return tokens;
}

export async function rootOf(server: ServerProcess): Promise<Uint8Array> {
  const response = await fetch(`${server.url}/tuf/metadata/1.root.json`);
  if (!response.ok) throw new PatchcastError('SERVER_ERROR', 'the server has no 1.root.json');
  return new Uint8Array(await response.arrayBuffer());
}

/** Reconnects agents the server dropped while the others connected (twice at most). */
export async function stayOnline(context: BenchContext, parts: Parts, agents: number) {
  for (let round = 1; ; round++) {
    try {
      return await expectOnline(parts.server.client, agents);
    } catch (error) {
      if (round > 2) throw error;
      context.progress(`reconnecting agents the server dropped (${String(error)})`);
      await parts.fleet.connect(phaseBudgetMs(context.options, agents, CONNECT_MS_PER_AGENT));
    }
  }
}

async function expectOnline(client: PatchcastClient, agents: number): Promise<void> {
  let online = 0;
  const ok = await pollUntil(async () => {
    online = (await client.status()).devices.online;
    return online >= agents;
  }, 10_000);
  if (!ok)
    throw new PatchcastError('INTERNAL', `the server sees ${online} of ${agents} agents online`);
}
