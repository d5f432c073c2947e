/**
 * Three real `patchcast server` processes on one PostgreSQL database, one NATS JetStream and one
 * artifacts folder; six real agents spread over them, each knowing all three URLs. A patch is
 * published on node 1 and rolled out from node 2; node 2 is killed with SIGKILL while the agents
 * are installing. Another node takes the rollout over (a new fencing token), node 2's agents
 * reconnect to the other nodes, every agent installs, and every device result is stored and
 * logged exactly once. Skipped visibly without PATCHCAST_TEST_PG and PATCHCAST_TEST_NATS.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import type { Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { clusterServices, startClusterNodes } from './cluster-services.js';
import type { ClusterNode } from './cluster-services.js';

interface RolloutJson {
  id: string;
  state: string;
  counts: { installed: number; failed: number; pending: number; total: number };
}

const services = await clusterServices();
const AGENTS = 6;

describe(
  'three server nodes, a node killed mid-rollout',
  {
    skip: typeof services === 'string' ? services : false,
  },
  () => {
    let h: Harness | undefined;
    after(async () => {
      await h?.close();
      if (typeof services !== 'string') await services.drop();
    });

    test('another node takes the rollout over and every device result is recorded once', async () => {
      if (typeof services === 'string') return;
      h = await Harness.create();
      const harness = h;
      const [node1, node2, node3] = (await startClusterNodes(harness, services)) as [
        ClusterNode,
        ClusterNode,
        ClusterNode,
      ];
      const urls = [node1.url, node2.url, node3.url];
      const agents: { name: string; proc: Proc; first: string }[] = [];
      const procs = (): [string, Proc][] => [
        ['node-1', node1.proc],
        ['node-2', node2.proc],
        ['node-3', node3.proc],
        ...agents.map((a): [string, Proc] => [a.name, a.proc]),
      ];
      const scenario = async (): Promise<void> => {
        // agents spread over the nodes: agent i dials node (i mod 3) first, then the others
        harness.server = node1.url;
        for (let i = 0; i < AGENTS; i++) {
          const name = `a${i}`;
          const dirs = harness.agentDirs(name);
          const order = [0, 1, 2].map((k) => urls[(i + k) % 3] ?? '');
          const { proc, match } = await harness.start(
            [
              'agent',
              ...['--server', order.join(','), '--data', dirs.data, '--root', dirs.root],
              ...['--name', name, '--enroll', await harness.enrollToken()],
            ],
            /connected to (http:\/\/[^\s]+)/,
          );
          assert.equal(match[1], order[0], `${name} connects to its first node`);
          agents.push({ name, proc, first: order[0] ?? '' });
        }

        // publish on node 1; the health check takes a while so that node 2 dies mid-rollout
        const source = await writePatchSource(
          join(harness.dir, 'src'),
          { 'etc/app/config': 'cluster=1\n' },
          { health: { command: 'sleep 2', timeoutSeconds: 30 } },
        );
        await harness.publish(source, 'cluster-fix', '1.0.0');

        // start the rollout on node 2, which takes its lease
        harness.server = node2.url;
        const started = await harness.hereJson<RolloutJson>([
          'rollout',
          'start',
          'cluster-fix@1.0.0',
          '--devices',
          'all',
        ]);
        const lease = `rollout:${started.id}`;
        const before = await services.sql<{ holder: string }>(
          'SELECT holder FROM leases WHERE name = $1',
          [lease],
        );
        assert.equal(before.length, 1);
        assert.equal(before[0]?.holder, 'node-2', 'the node that created the rollout drives it');

        await node2.proc.stop('SIGKILL');

        // node 2's agents come back through another node; the rollout completes (seen on node 3)
        for (const agent of agents.filter((a) => a.first === node2.url)) {
          await eventually(() => {
            const others = [...agent.proc.output().matchAll(/connected to (http:\/\/[^\s]+)/g)]
              .map((m) => m[1])
              .filter((u) => u !== node2.url);
            return Promise.resolve(others.length > 0 ? true : undefined);
          }, `${agent.name} to reconnect to another node`);
        }
        harness.server = node3.url;
        const done = await harness.settled<RolloutJson>(started.id);
        assert.equal(done.state, 'completed');
        assert.deepEqual(done.counts, { installed: AGENTS, failed: 0, pending: 0, total: AGENTS });

        const after = await services.sql<{ holder: string; token: string }>(
          'SELECT holder, token::text AS token FROM leases WHERE name = $1',
          [lease],
        );
        assert.ok(
          ['node-1', 'node-3'].includes(after[0]?.holder ?? ''),
          'a surviving node took over',
        );
        assert.ok(Number(after[0]?.token) >= 2, 'with a newer fencing token');

        // every device result recorded exactly once: one final report row per device
        const finals = await services.sql<{ device_id: string; n: string }>(
          `SELECT device_id, count(*)::text AS n FROM reports
       WHERE rollout_id = $1 AND state IN ('installed', 'failed', 'rolled-back') GROUP BY device_id`,
          [started.id],
        );
        assert.equal(finals.length, AGENTS);
        for (const row of finals)
          assert.equal(row.n, '1', `device ${row.device_id}: one final report`);

        // and logged exactly once, with one completion
        const leaves = (await services.sql<{ leaf: Buffer }>('SELECT leaf FROM log_entries')).map(
          (r) => JSON.parse(r.leaf.toString('utf8')) as Record<string, unknown>,
        );
        const mine = leaves.filter((e) => JSON.stringify(e).includes(started.id));
        const results = mine.filter((e) => JSON.stringify(e).includes('"device-result"'));
        assert.equal(results.length, AGENTS, 'one device-result log entry per device');
        const completions = mine.filter((e) => JSON.stringify(e).includes('"rollout-completed"'));
        assert.equal(completions.length, 1, 'one rollout-completed log entry');

        for (const { name } of agents)
          assert.equal(
            await readFile(join(harness.agentDirs(name).root, 'etc/app/config'), 'utf8'),
            'cluster=1\n',
            `${name} installed the patch`,
          );
      };
      try {
        await scenario();
      } catch (error) {
        // on failure, every node's and agent's output goes to the test log
        for (const [name, proc] of procs())
          process.stderr.write(`----- ${name} output -----\n${proc.output()}\n`);
        throw error;
      }
    });
  },
);
