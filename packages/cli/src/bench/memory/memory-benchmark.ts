/**
 * `patchcast bench memory`: server memory per connected agent (measured as in fanout, or taken from
 * the fanout of the same run) and the resident memory of one real idle agent.
 */
import { join } from 'node:path';
import type { BenchContext, BenchReport, Benchmark, Figure, TargetCheck } from '../benchmark.js';
import { withConnectedFleet } from '../fanout/fleet-setup.js';
import { DEFAULT_AGENTS } from '../fanout/fanout-benchmark.js';
import {
  MAX_KIB_PER_AGENT,
  TARGET_AGENTS,
  memoryFigures,
  memoryTarget,
} from '../fanout/fanout-report.js';
import { startServerProcess } from '../server-process.js';
import { round } from '../stats.js';
import { SERVICE_NODE_OPTIONS, idleAgentMemory } from './idle-agent.js';
import type { IdleAgentMemory } from './idle-agent.js';

const IDLE_MS = 10_000;
const MAX_AGENT_MIB = 40;

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  summary: 'server memory per connected agent, and one idle real agent’s RSS',
  run: runMemory,
};

async function runMemory(context: BenchContext): Promise<BenchReport> {
  const agents = context.options.agents ?? DEFAULT_AGENTS;
  const fanout = context.earlier.get('fanout');
  if (fanout !== undefined && fanout.figures.agents === agents) {
    const idle = await withServer(context, (server) =>
      idleAgentMemory(server, context.tmpDir, IDLE_MS, context.options.agentExe),
    );
    const memoryTargetOfFanout = fanout.targets.find((t) =>
      t.target.includes(`${MAX_KIB_PER_AGENT} KiB`),
    );
    return memoryReport(pick(fanout.figures), memoryTargetOfFanout, idle, [
      'Server memory per agent: from the fanout run above.',
      ...exeNote(context),
    ]);
  }
  return withConnectedFleet(context, agents, async (setup) => {
    const idle = await idleAgentMemory(
      setup.server,
      context.tmpDir,
      IDLE_MS,
      context.options.agentExe,
    );
    return memoryReport(
      { agents, ...memoryFigures(setup) },
      memoryTarget(setup),
      idle,
      exeNote(context),
    );
  });
}

async function withServer<T>(
  context: BenchContext,
  body: (server: Awaited<ReturnType<typeof startServerProcess>>) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess({ dataDir: join(context.tmpDir, 'server') });
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

function exeNote(context: BenchContext): string[] {
  const exe = context.options.agentExe;
  return exe === undefined ? [] : [`Idle agent: the packaged executable ${exe}.`];
}

function pick(figures: Readonly<Record<string, Figure>>): Record<string, Figure> {
  const keys = ['agents', 'serverRssBeforeKiB', 'serverRssConnectedKiB', 'serverRssPerAgentKiB'];
  return Object.fromEntries(keys.map((k) => [k, figures[k] ?? null]));
}

function memoryReport(
  server: Record<string, Figure>,
  serverTarget: TargetCheck | undefined,
  idle: IdleAgentMemory,
  notes: readonly string[],
): BenchReport {
  const mib = (kib: number) => round(kib / 1024, 1);
  const idleMiB = mib(idle.enrolled.rssKiB);
  const floorMiB = mib(idle.nodeFloor.rssKiB);
  const agentTarget: TargetCheck = {
    target: `an idle agent under ${MAX_AGENT_MIB} MiB RSS`,
    measured: `${idleMiB} MiB after ${IDLE_MS / 1000} s idle (${round(idleMiB - floorMiB, 1)} MiB over a bare node's ${floorMiB}; ${mib(idle.restarted.rssKiB)} MiB after a restart, ${mib(idle.service.rssKiB)} MiB as the service unit starts it; peak ${mib(idle.enrolled.hwmKiB)} MiB while enrolling)`,
    met: idleMiB < MAX_AGENT_MIB,
  };
  return {
    figures: {
      ...server,
      idleAgentRssKiB: idle.enrolled.rssKiB,
      idleAgentRssMiB: idleMiB,
      idleAgentPeakRssKiB: idle.enrolled.hwmKiB,
      enrollPeakRssMiB: mib(idle.enrolled.hwmKiB),
      restartedAgentRssMiB: mib(idle.restarted.rssKiB),
      restartedAgentPeakRssMiB: mib(idle.restarted.hwmKiB),
      nodeFloorRssMiB: floorMiB,
      idleAgentOverFloorMiB: round(idleMiB - floorMiB, 1),
      idleAgentFloorRatio: round(idleMiB / floorMiB, 2),
      restartedAgentOverFloorMiB: round(mib(idle.restarted.rssKiB) - floorMiB, 1),
      serviceAgentRssMiB: mib(idle.service.rssKiB),
      serviceAgentOverFloorMiB: round(mib(idle.service.rssKiB) - floorMiB, 1),
    },
    targets: serverTarget === undefined ? [agentTarget] : [serverTarget, agentTarget],
    notes: [
      ...notes,
      `Server memory per agent = (server RSS with N agents connected - RSS before they connected) / N; the target is stated at ${TARGET_AGENTS} agents.`,
      `The idle agent is a real \`patchcast agent\` process (or, with --agent-exe, the packaged \`patchcast-agent run\`), enrolled and connected, read from /proc after idling; its peak (VmHWM) covers the enrollment, the first connection and the first inventory sync. The restarted agent is the same one started again on its data folder without a token, as a service after a reboot; the service figure is that again with the NODE_OPTIONS of examples/systemd/patchcast-agent.service (${SERVICE_NODE_OPTIONS}).`,
      "Node's floor: a bare `node -e 'setTimeout(() => {}, 1e9)'` started with each agent and read at the same time.",
    ],
    sections: [],
    complete: true,
  };
}
