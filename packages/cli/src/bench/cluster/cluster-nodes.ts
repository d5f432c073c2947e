/**
 * Two real `patchcast server` nodes of one cluster, as docs/operations-cluster.md sets them up: one
 * database, one NATS stream, one artifacts folder, node 2 with a copy of node 1's keys.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from '../benchmark.js';
import { startServerProcess } from '../server-process.js';
import type { ServerProcess } from '../server-process.js';
import type { ClusterServices } from './cluster-services.js';

export const NODES = 2;

export async function withNodes<T>(
  context: BenchContext,
  services: ClusterServices,
  body: (nodes: readonly ServerProcess[]) => Promise<T>,
): Promise<T> {
  const dataDir = (n: number) => join(context.tmpDir, `node${n}`);
  const start = (n: number, token?: string) =>
    startServerProcess({
      dataDir: dataDir(n),
      db: services.db,
      flags: [
        ...['--artifacts', join(context.tmpDir, 'artifacts'), '--bus', services.nats],
        ...['--bus-stream', services.stream, '--node-id', `bench-${n}`],
      ],
      startTimeoutMs: 60_000,
      ...(token === undefined ? {} : { token }),
    });
  const nodes = [await start(1)];
  try {
    for (let n = 2; n <= NODES; n++) {
      await cp(join(dataDir(1), 'keys'), join(dataDir(n), 'keys'), { recursive: true });
      nodes.push(await start(n, nodes[0]?.token));
    }
    return await body(nodes);
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}
