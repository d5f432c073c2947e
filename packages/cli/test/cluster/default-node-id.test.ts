/**
 * Two real `patchcast server` processes on one host, both listening on port 0 and given no
 * --node-id, on one PostgreSQL database and one NATS JetStream: each gets its own node id (kept
 * in its data dir), and a restarted node comes back under the same one. Skipped visibly without
 * PATCHCAST_TEST_PG and PATCHCAST_TEST_NATS.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { clusterServices } from './cluster-services.js';

const services = await clusterServices();

describe(
  'default node ids of nodes on port 0',
  {
    skip: typeof services === 'string' ? services : false,
  },
  () => {
    let h: Harness | undefined;
    after(async () => {
      await h?.close();
      if (typeof services !== 'string') await services.drop();
    });

    test('two nodes on one host get different ids; a restarted node keeps its own', async () => {
      if (typeof services === 'string') return;
      h = await Harness.create();
      const harness = h;
      const dataDir = (n: number) => join(harness.dir, n === 1 ? 'server' : `node${n}`);
      const args = (n: number) => [
        'server',
        ...['--data', dataDir(n), '--listen', '127.0.0.1:0', '--db', services.db],
        ...['--artifacts', join(harness.dir, 'artifacts'), '--bus', services.nats],
        ...['--bus-stream', services.stream],
      ];
      const startNode = async (n: number) => {
        const { proc, match } = await harness.start(args(n), /, node: ([^\s)]+)\)/);
        return { proc, id: match[1] ?? '' };
      };
      const host =
        hostname()
          .replace(/[^A-Za-z0-9_-]/g, '-')
          .slice(0, 50) || 'node';
      const one = await startNode(1);
      await cp(join(dataDir(1), 'keys'), join(dataDir(2), 'keys'), { recursive: true });
      const two = await startNode(2);
      assert.notEqual(one.id, two.id);
      for (const [n, node] of [one, two].entries()) {
        assert.ok(node.id.startsWith(`${host}-`), node.id);
        assert.match(node.id, /-[0-9a-f]{8}$/);
        const kept = await readFile(join(dataDir(n + 1), 'node-id'), 'utf8');
        assert.equal(kept.trim(), node.id, 'kept in the data dir');
      }

      await one.proc.stop('SIGTERM');
      const again = await startNode(1);
      assert.equal(again.id, one.id, 'a restarted node keeps its id');
    });
  },
);
