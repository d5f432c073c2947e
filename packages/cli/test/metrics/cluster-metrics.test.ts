/**
 * Metrics of two real server nodes on PostgreSQL and NATS JetStream, with real agents spread
 * over them: each node's connected-agents gauge is its own agents, the results counters of the
 * nodes add up to the fleet, and the rollouts gauge (read from the shared store) is the same on
 * both. Skipped visibly without PATCHCAST_TEST_PG and PATCHCAST_TEST_NATS.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { clusterServices, startClusterNodes } from '../cluster/cluster-services.js';
import type { ClusterNode } from '../cluster/cluster-services.js';
import { scrape, value } from './scrape.js';

const services = await clusterServices();

describe('metrics of a cluster', { skip: typeof services === 'string' ? services : false }, () => {
  let h: Harness | undefined;
  after(async () => {
    await h?.close();
    if (typeof services !== 'string') await services.drop();
  });

  test("each node counts its own agents; the nodes' counters add up to the fleet", async () => {
    if (typeof services === 'string') return;
    h = await Harness.create();
    const harness = h;
    const [node1, node2] = (await startClusterNodes(harness, services, 2)) as [
      ClusterNode,
      ClusterNode,
    ];
    harness.server = node1.url;
    const placed = [node1.url, node1.url, node2.url];
    for (const [i, url] of placed.entries()) {
      const dirs = harness.agentDirs(`c${i}`);
      await harness.start(
        [
          'agent',
          ...['--server', url, '--data', dirs.data, '--root', dirs.root, '--name', `c${i}`],
          ...['--enroll', await harness.enrollToken()],
        ],
        /connected to /,
      );
    }
    const viewer = (
      await harness.cliJson<{ token: string }>([
        'token',
        'create',
        '--name',
        'prom',
        '--role',
        'viewer',
      ])
    ).token;
    const read = (node: ClusterNode) => scrape(`${node.url}/metrics`, viewer);
    assert.equal(value(await read(node1), 'patchcast_connected_agents'), 2);
    assert.equal(value(await read(node2), 'patchcast_connected_agents'), 1);

    const source = await writePatchSource(join(harness.dir, 'src'), { 'etc/c': 'c\n' });
    await harness.publish(source, 'cl', '1');
    const run = await harness.cli(['rollout', 'start', 'cl@1', '--devices', 'all', '--wait']);
    assert.equal(run.code, 0, run.stderr);
    const [one, two] = [await read(node1), await read(node2)];
    const installs = (s: typeof one) =>
      value(s, 'patchcast_patch_installs_total', { patch: 'cl', version: '1' });
    assert.equal(installs(one), 2, 'node 1 stored the reports of its two agents');
    assert.equal(installs(two), 1);
    for (const s of [one, two]) {
      assert.equal(value(s, 'patchcast_rollouts', { state: 'completed' }), 1);
      assert.equal(value(s, 'patchcast_build_info', { storage: 'postgres' }), 1);
      assert.match(
        s.text,
        /patchcast_store_operation_duration_seconds_count\{operation="applyReport"\} [1-9]/,
      );
    }
    assert.match(
      one.text + two.text,
      /patchcast_bus_publish_duration_seconds_count\{topic="device-result"\} [1-9]/,
    );
  });
});
