/**
 * Setup of `patchcast bench reports` (not measured): N loopback agents in this process, enrolled
 * for real and connected, each with a package inventory of its own stored by the server, and a
 * rollout of a small patch to all of them whose notice every agent holds.
 */
import type { PackageInventory } from '@patchcast/protocol';
import type { BenchContext } from '../benchmark.js';
import { phaseBudgetMs, phaseTimedOut } from '../budget.js';
import { forEachLimited, pollUntil } from '../concurrency.js';
import { enrollTokens, rootOf } from '../fanout/fleet-setup.js';
import { publishPatch, smallBundle } from '../patch-fixture.js';
import type { ServerProcess } from '../server-process.js';
import { LoopbackAgent } from './loopback-agent.js';

/** Reports only, then reports with their inventory diff (findings update). */
export const REPORTS_PATCHES = [
  { name: 'bench-reports', version: '1.0.0' },
  { name: 'bench-reports', version: '1.0.1' },
] as const;
const SOURCE_ADDRESSES = 8;
const PACKAGES = 40;

/** A device's package inventory; after the install its first package is one version up. */
export function packagesOf(agent: number, installed: boolean): PackageInventory {
  const npm = Array.from({ length: PACKAGES }, (_, i) => ({
    name: `pkg-${(agent * 7 + i * 13) % 5000}`,
    version: `1.${i % 9}.${i === 0 && installed ? 1 : 0}`,
    path: `/srv/app/package-lock.json#node_modules/pkg-${i}`,
  }));
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: new Date().toISOString(),
    os: { id: 'debian', versionId: '12' },
    kernel: null,
    dpkg: [],
    npm,
  };
}

export async function setUpFleet(
  context: BenchContext,
  server: ServerProcess,
  count: number,
): Promise<LoopbackAgent[]> {
  const tokens = await enrollTokens(server.client, count);
  await rootOf(server); // the server is up and has its repository
  const agents = tokens.map((_, i) => new LoopbackAgent(server.url, `bench-${i}`));
  await forEachLimited(agents, 8, (agent, i) => agent.enroll(tokens[i] ?? ''));
  context.progress(`reports: ${count} agents enrolled`);
  await forEachLimited(agents, 100, async (agent, i) => {
    await agent.connect(`127.0.0.${2 + (i % SOURCE_ADDRESSES)}`);
    await agent.sendPackages(packagesOf(i, false));
  });
  context.progress(`reports: ${count} agents connected with their package inventories`);
  for (const patch of REPORTS_PATCHES) await publishPatch(server, patch, smallBundle(patch));
  return agents;
}

/** Starts a rollout of `patch` to every agent and waits until each holds its notice. */
export async function rollOut(
  context: BenchContext,
  server: ServerProcess,
  agents: readonly LoopbackAgent[],
  patch: (typeof REPORTS_PATCHES)[number],
): Promise<void> {
  for (const agent of agents) agent.nextRollout();
  await server.client.createRollout({ patch, devices: { all: true } });
  const budget = phaseBudgetMs(context.options, agents.length, 30);
  const noticed = () => agents.filter((a) => a.notice !== undefined).length;
  if (!(await pollUntil(() => Promise.resolve(noticed() === agents.length), budget, 50)))
    throw phaseTimedOut('reports notice', noticed(), agents.length, budget);
}
