/**
 * Revocation reaches every node (ADR 0029): two real server nodes on one PostgreSQL database and
 * one NATS JetStream; an agent connected to node 2 is revoked through node 1, and node 2 closes
 * its connection (the agent stops with DEVICE_REVOKED). Skipped visibly without
 * PATCHCAST_TEST_PG and PATCHCAST_TEST_NATS.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../harness.js';
import { clusterServices, startClusterNodes } from './cluster-services.js';
import type { ClusterNode } from './cluster-services.js';

const services = await clusterServices();

describe(
  'revoking a device connected to another node',
  { skip: typeof services === 'string' ? services : false },
  () => {
    let h: Harness | undefined;
    after(async () => {
      await h?.close();
      if (typeof services !== 'string') await services.drop();
    });

    test('node 1 revokes, node 2 closes the connection', async () => {
      if (typeof services === 'string') return;
      h = await Harness.create();
      const [node1, node2] = (await startClusterNodes(h, services, 2)) as [
        ClusterNode,
        ClusterNode,
      ];
      h.server = node2.url;
      const agent = await h.startAgent('far');
      const { devices } = await h.cliJson<{ devices: { id: string; online: boolean }[] }>([
        'devices',
      ]);
      const id = devices[0]?.id ?? '';
      const stopped = new Promise<number | null>((resolve) =>
        agent.child.once('exit', (code) => resolve(code)),
      );
      h.server = node1.url;
      const revoked = await h.cli(['devices', 'revoke', id]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(await stopped, 1, 'the agent on node 2 stops');
      assert.match(agent.output(), /error\[DEVICE_REVOKED\]/);
      assert.match(agent.output(), new RegExp(`connected to ${node2.url.replace(/\./g, '\\.')}`));
    });
  },
);
