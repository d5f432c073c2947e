/**
 * The server half of `patchcast bench vulns` (issue 20 item 4): a real server process with N
 * devices, each a loopback agent (enrolled for real) that sent its generated inventory as a real
 * agent does, then the advisories (not measured). Then three imports are timed from the commit request to its
 * answer: one new advisory (the server recomputes only the devices that hold its package), the
 * same with a replaced deadline policy (a data file: every device is recomputed, as every
 * advisory import did before), and nothing new (nothing recomputed).
 */
import { join } from 'node:path';
import type { PackageInventory } from '@patchcast/protocol';
import type { BenchContext } from '../benchmark.js';
import { forEachLimited } from '../concurrency.js';
import { enrollTokens } from '../fanout/fleet-setup.js';
import { LoopbackAgent } from '../reports/loopback-agent.js';
import { FLEET_LIMITS } from '../reports/fleet-limits.js';
import { startServerProcess } from '../server-process.js';
import type { ServerProcess } from '../server-process.js';
import { VulnsClient } from '../../vulns/vulns-client.js';
import { advisoryJson, deviceInventory, prng } from './synthetic-data.js';

export interface ImportFigures {
  readonly devices: number;
  readonly advisories: number;
  readonly oneAdvisoryMs: number;
  readonly oneAdvisoryDevicesRecomputed: number;
  readonly fullRecomputeMs: number;
  readonly fullDevicesRecomputed: number;
}

function packageInventory(seed: number, packages: number): PackageInventory {
  const view = deviceInventory(seed, packages);
  const unique = <T>(list: readonly T[], key: (e: T) => string) => [
    ...new Map(list.map((e) => [key(e), e])).values(),
  ];
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: new Date().toISOString(),
    os: { id: 'debian', versionId: '12' },
    kernel: null,
    dpkg: unique(view.dpkg, (p) => `${p.name}:${p.architecture}`).map((p) => ({
      ...p,
      status: 'installed' as const,
    })),
    npm: unique(view.npm, (p) => p.path),
    pypi: unique(view.pypi ?? [], (p) => p.path),
  };
}

async function importAdvisories(
  vulns: VulnsClient,
  records: readonly unknown[],
  policy?: string,
): Promise<{ ms: number; recomputed: number }> {
  const { id } = await vulns.createImport();
  for (let i = 0; i < records.length; i += 1000) {
    const batch = records.slice(i, i + 1000);
    await vulns.stageAdvisories(
      id,
      batch,
      batch.map((_, j) => `bench #${i + j}`),
    );
  }
  if (policy !== undefined) await vulns.stageData(id, 'policy', policy, 'bench-policy.csv');
  const t0 = performance.now();
  const summary = await vulns.commitImport(id);
  return { ms: performance.now() - t0, recomputed: summary.devicesRecomputed };
}

async function fleet(
  context: BenchContext,
  server: ServerProcess,
  devices: number,
  packages: number,
) {
  const tokens = await enrollTokens(server.client, devices);
  const agents = tokens.map((_, i) => new LoopbackAgent(server.url, `vulns-${i}`));
  await forEachLimited(agents, 8, (agent, i) => agent.enroll(tokens[i] ?? ''));
  let sent = 0;
  await forEachLimited(agents, 16, async (agent, i) => {
    await agent.connect(`127.0.0.${2 + (i % 8)}`);
    await agent.sendPackages(packageInventory(1000 + i, packages));
    if (++sent % 1000 === 0) context.progress(`vulns: ${sent}/${devices} inventories stored`);
  });
  return agents;
}

export async function measureImports(
  context: BenchContext,
  devices: number,
  packages: number,
  advisories: number,
  policy: string,
): Promise<ImportFigures> {
  const dataDir = join(context.tmpDir, 'vulns-server');
  const server = await startServerProcess({ dataDir, flags: FLEET_LIMITS });
  const vulns = new VulnsClient(server.url, server.token);
  let agents: LoopbackAgent[] = [];
  try {
    const random = prng(42);
    const records = Array.from({ length: advisories }, (_, i) => advisoryJson(i, random));
    agents = await fleet(context, server, devices, packages);
    context.progress(`vulns: importing ${advisories} advisories into the server`);
    await importAdvisories(vulns, records);
    const fresh = (n: number) => advisoryJson(advisories + n, prng(7 + n));
    context.progress(`vulns: importing one new advisory`);
    const one = await importAdvisories(vulns, [fresh(1)]);
    context.progress(`vulns: ${Math.round(one.ms)} ms, ${one.recomputed} devices recomputed`);
    context.progress(`vulns: one new advisory and a replaced policy: every device recomputed`);
    const full = await importAdvisories(vulns, [fresh(2)], policy);
    context.progress(`vulns: ${Math.round(full.ms)} ms, ${full.recomputed} devices recomputed`);
    return {
      devices,
      advisories,
      oneAdvisoryMs: one.ms,
      oneAdvisoryDevicesRecomputed: one.recomputed,
      fullRecomputeMs: full.ms,
      fullDevicesRecomputed: full.recomputed,
    };
  } finally {
    for (const agent of agents) agent.close();
    await server.stop();
  }
}
