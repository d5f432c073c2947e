/**
 * Two server nodes on one PostgreSQL database and NATS: both poll the same outbox, and each
 * event reaches a healthy receiver exactly once (each row is claimed by one node under its
 * lease). Events are made through both nodes. Skipped, visibly, without PATCHCAST_TEST_PG and
 * PATCHCAST_TEST_NATS. The operator's commands (webhook add, token create, webhook deliveries)
 * run inside the test process: what is under test is the two server processes.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Harness, eventually } from '../harness.js';
import { clusterServices, startClusterNodes } from '../cluster/cluster-services.js';
import { Receiver, signedHeaders } from './receiver.js';

const SECRET = `whsec_${Buffer.from('patchcast webhook cluster test key!!').toString('base64')}`;
const services = await clusterServices();

interface Delivery {
  eventId: string;
  state: string;
  attempts: number;
}

describe(
  'webhooks on two server nodes',
  { skip: typeof services === 'string' ? services : false },
  () => {
    let h: Harness | undefined;
    let receiver: Receiver | undefined;
    after(async () => {
      await receiver?.close();
      await h?.close();
      if (typeof services !== 'string') await services.drop();
    });

    test('every event is delivered once, whichever node made it', async () => {
      if (typeof services === 'string') return;
      h = await Harness.create();
      const harness = h;
      receiver = await Receiver.start();
      const nodes = await startClusterNodes(harness, services, 2);
      await writeFile(join(harness.dir, 'secret'), SECRET);
      harness.server = nodes[0]?.url ?? '';
      const hook = await harness.hereJson<{ id: string }>([
        'webhook',
        'add',
        receiver.url(),
        '--events',
        'log.checkpoint',
        '--secret-file',
        join(harness.dir, 'secret'),
        '--allow-private',
      ]);
      const deliveries = async () =>
        (
          await harness.hereJson<{ deliveries: Delivery[] }>([
            'webhook',
            'deliveries',
            hook.id,
            '--limit',
            '500',
          ])
        ).deliveries;
      // Log entries through both nodes in turn until 8 checkpoints were queued (each node picks
      // the subscription up within 2 s), then wait for every queued event to be delivered.
      let made = 0;
      await eventually(
        async () => {
          harness.server = nodes[made % 2]?.url ?? '';
          await harness.hereJson(['token', 'create', '--name', `c${made++}`, '--role', 'viewer']);
          return (await deliveries()).length >= 8 ? true : undefined;
        },
        '8 queued checkpoints',
        120_000,
      );
      const rows = await eventually(
        async () => {
          const all = await deliveries();
          return all.every((d) => d.state === 'delivered') ? all : undefined;
        },
        'every queued event delivered',
        60_000,
      );
      assert.ok(rows.every((d) => d.attempts === 1));
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      assert.equal(ids.length, rows.length, 'one request per event');
      assert.equal(new Set(ids).size, ids.length, 'no event twice');
      assert.deepEqual(new Set(ids), new Set(rows.map((d) => d.eventId)));
      const oracle = new Webhook(SECRET);
      for (const r of receiver.received) oracle.verify(r.body, signedHeaders(r));
    });
  },
);
