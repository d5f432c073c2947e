/**
 * `patchcast bench swarm --agents N --size MB` (issue 15 item 4, ADR 0040): N real agents
 * (`startAgent`, in a few host processes) of one site install one patch of SIZE MB with
 * peer-to-peer on, then N other agents install another patch of the same size with it off, from
 * the same real server. originRatio = bytes from the origin / (N x size), from the agents' own
 * reports (downloadBytes - peerBytes). Targets at N = 100, 50 MB: originRatio <= 0.20, all
 * installed no slower than origin-only.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PatchRef } from '@patchcast/protocol';
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';
import { pollUntil } from '../concurrency.js';
import { enrollTokens } from '../fanout/fleet-setup.js';
import { publishPatch, sizedBundle } from '../patch-fixture.js';
import { ForkedPeer } from '../rpc.js';
import { startServerProcess } from '../server-process.js';
import type { ServerProcess } from '../server-process.js';
import { round } from '../stats.js';
import type { SwarmReplies, SwarmRequest } from './swarm-messages.js';

const AGENTS_PER_HOST = 25;

interface PhaseResult {
  readonly installed: number;
  readonly originBytes: number;
  readonly peerBytes: number;
  readonly allInstalledMs: number;
}

export const swarmBenchmark: Benchmark = {
  name: 'swarm',
  summary: 'N real agents of one site install one patch with peer-to-peer on, then off',
  async run(context: BenchContext): Promise<BenchReport> {
    const agents = context.options.agents ?? 20;
    const sizeBytes = Math.round((context.options.sizeMb ?? 10) * 1_000_000);
    const server = await startServerProcess({ dataDir: join(context.tmpDir, 'server') });
    try {
      const peers = await phase(context, server, { agents, sizeBytes, peer: true });
      const origin = await phase(context, server, { agents, sizeBytes, peer: false });
      return report(agents, sizeBytes, peers, origin);
    } finally {
      await server.stop();
    }
  },
};

async function phase(
  context: BenchContext,
  server: ServerProcess,
  setup: { agents: number; sizeBytes: number; peer: boolean },
): Promise<PhaseResult> {
  const name = setup.peer ? 'peers' : 'origin';
  const ref: PatchRef = { name: `swarm-${name}`, version: '1.0.0' };
  await publishPatch(server, ref, sizedBundle(ref, setup.sizeBytes));
  const tokens = await enrollTokens(server.client, setup.agents);
  const dir = join(context.tmpDir, name);
  const hosts = Array.from(
    { length: Math.ceil(setup.agents / AGENTS_PER_HOST) },
    (_, i) =>
      new ForkedPeer<SwarmRequest, SwarmReplies>(
        new URL('./swarm-host-main.js', import.meta.url),
        `swarm host ${i + 1}`,
      ),
  );
  const timeoutMs = context.options.timeoutSeconds * 1000;
  try {
    context.progress(
      `swarm: starting ${setup.agents} agents (peer-to-peer ${setup.peer ? 'on' : 'off'})`,
    );
    const online = (await server.client.status()).devices.online;
    await Promise.all(
      hosts.map((host, h) => {
        const share = tokens.slice(h * AGENTS_PER_HOST, (h + 1) * AGENTS_PER_HOST);
        const agents = share.map((token, i) => {
          const n = h * AGENTS_PER_HOST + i;
          return {
            name: `${name}-${n}`,
            token,
            dir: join(dir, String(n)),
            ip: `127.0.0.${10 + (n % 200)}`,
          };
        });
        const labels = { site: `bench-${name}`, phase: name };
        return host.call(
          { kind: 'start', server: server.url, agents, labels, peer: setup.peer },
          timeoutMs,
        );
      }),
    );
    const all = online + setup.agents;
    await pollUntil(
      async () => (await server.client.status()).devices.online >= all,
      timeoutMs,
      250,
    );
    context.progress(`swarm: rolling ${ref.name} out to ${setup.agents} agents`);
    return await rollOut(server, ref, name, timeoutMs);
  } finally {
    await Promise.all(
      hosts.map((host) => host.call({ kind: 'stop' }, 60_000).catch(() => undefined)),
    );
    await Promise.all(hosts.map((host) => host.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

async function rollOut(server: ServerProcess, ref: PatchRef, phase: string, timeoutMs: number) {
  const started = performance.now();
  const { id } = await server.client.createRollout({ patch: ref, devices: { labels: { phase } } });
  let rollout = await server.client.rollout(id);
  await pollUntil(
    async () => (rollout = await server.client.rollout(id)).state !== 'in-progress',
    timeoutMs,
    100,
  );
  const allInstalledMs = performance.now() - started;
  let originBytes = 0;
  let peerBytes = 0;
  for (const device of rollout.devices) {
    const peer = device.timings?.peerBytes ?? 0;
    peerBytes += peer;
    originBytes += (device.timings?.downloadBytes ?? 0) - peer;
  }
  const installed = rollout.devices.filter((d) => d.state === 'installed').length;
  return { installed, originBytes, peerBytes, allInstalledMs };
}

function report(
  agents: number,
  sizeBytes: number,
  peers: PhaseResult,
  origin: PhaseResult,
): BenchReport {
  const originRatio = round(peers.originBytes / (agents * sizeBytes), 4);
  const complete = peers.installed === agents && origin.installed === agents;
  const faster = peers.allInstalledMs <= origin.allInstalledMs;
  return {
    figures: {
      agents,
      sizeBytes,
      originBytes: peers.originBytes,
      peerBytes: peers.peerBytes,
      originRatio,
      allInstalledMs: Math.round(peers.allInstalledMs),
      originOnlyAllInstalledMs: Math.round(origin.allInstalledMs),
    },
    targets: [
      {
        target: 'origin bytes <= 0.20 x N x size (N = 100, 50 MB)',
        measured: `${originRatio} at N = ${agents}, ${sizeBytes} bytes`,
        met: agents >= 100 ? originRatio <= 0.2 : undefined,
      },
      {
        target: 'all installed no slower than origin-only',
        measured: `${Math.round(peers.allInstalledMs)} ms vs ${Math.round(origin.allInstalledMs)} ms`,
        met: agents >= 100 ? faster : undefined,
      },
    ],
    notes: [
      `installed: ${peers.installed}/${agents} with peers, ${origin.installed}/${agents} origin-only`,
      'real agents (startAgent) in host processes of 25, each peer server on its own 127.0.0.x',
    ],
    sections: [],
    complete,
  };
}
