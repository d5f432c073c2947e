/**
 * The "done when": a receiver gets a correctly signed rollout.completed after the server
 * was killed (SIGKILL) in the middle of the rollout. Real server and agent processes, a real HTTP
 * receiver on loopback, and the independent `standardwebhooks` package checks every signature.
 * The receiver refuses everything before the crash, so the events queued then are delivered only
 * from the outbox the restarted server finds in its database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { Receiver, signedHeaders } from './receiver.js';

const SECRET = `whsec_${Buffer.from('patchcast webhook restart test key!!').toString('base64')}`;
const WEBHOOK_FLAGS = ['--webhook', 'retry-base=1', '--webhook', 'retry-max=2'];

const PLAN = `version: 1
target: { all: true }
waves:
  - name: first
    count: 1
    bake: 1s
  - name: second
    rest: true
    bake: 1s
    approval: true
judge: { minSamples: 2 }
`;

interface Deliveries {
  deliveries: { type: string; state: string; attempts: number; log: { statusCode: number }[] }[];
}

let h: Harness;
let receiver: Receiver;

before(async () => {
  h = await Harness.create();
  receiver = await Receiver.start();
});
after(async () => {
  await receiver.close();
  await h.close();
});

test('a signed rollout.completed reaches the receiver across a server crash mid-rollout', async () => {
  const dataDir = join(h.dir, 'server');
  receiver.answer = () => ({ status: 503 });
  const first = await h.startServer(dataDir, WEBHOOK_FLAGS);
  const port = new URL(h.server).port;
  await h.startAgent('one');
  await h.startAgent('two');
  await writeFile(join(h.dir, 'secret'), `${SECRET}\n`);
  await writeFile(join(h.dir, 'plan.yaml'), PLAN);
  const hook = await h.cliJson<{ id: string }>([
    'webhook',
    'add',
    receiver.url(),
    '--events',
    'all',
    '--secret-file',
    join(h.dir, 'secret'),
    '--allow-private',
  ]);
  const source = await writePatchSource(join(h.dir, 'src'), { 'etc/hooked': 'v1\n' });
  await h.publish(source, 'hooked', '1');
  const { id } = await h.cliJson<{ id: string }>([
    'rollout',
    'start',
    'hooked@1',
    '--plan',
    join(h.dir, 'plan.yaml'),
  ]);
  await eventually(async () => {
    const p = await h.cliJson<{ allowed: string[] }>(['rollout', 'status', id]);
    return p.allowed.includes('approve') ? true : undefined;
  }, 'wave 2 to wait for approval');
  const refused = await eventually(async () => {
    const { deliveries } = await h.cliJson<Deliveries>(['webhook', 'deliveries', hook.id]);
    const started = deliveries.find((d) => d.type === 'rollout.started');
    return started !== undefined && started.attempts > 0 ? deliveries : undefined;
  }, 'a refused attempt at rollout.started');
  assert.ok(refused.every((d) => d.state === 'pending'));
  assert.ok(refused.some((d) => d.type === 'rollout.wave.completed'));

  assert.equal(await first.stop('SIGKILL'), null, 'killed, not stopped cleanly');
  receiver.answer = () => ({ status: 200 });
  const { match } = await h.start(
    ['server', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...WEBHOOK_FLAGS],
    /listening on (http:\/\/\S+)/,
  );
  assert.equal(match[1], h.server);
  await eventually(async () => {
    const { devices } = await h.cliJson<{ devices: { online: boolean }[] }>(['devices']);
    return devices.length === 2 && devices.every((d) => d.online) ? true : undefined;
  }, 'both agents to reconnect');
  await h.cliJson(['rollout', 'approve', id]);
  const done = await h.settled<{ state: string }>(id);
  assert.equal(done.state, 'completed');

  const completed = await eventually(
    async () => Promise.resolve(receiver.ofType('rollout.completed')[0]),
    'rollout.completed at the receiver',
  );
  const oracle = new Webhook(SECRET);
  const payload = oracle.verify(completed.body, signedHeaders(completed)) as {
    type: string;
    data: { rolloutId: string; state: string; patch: { name: string; version: string } };
  };
  assert.equal(payload.type, 'rollout.completed');
  assert.deepEqual(
    [payload.data.rolloutId, payload.data.state, payload.data.patch],
    [id, 'completed', { name: 'hooked', version: '1' }],
  );
  assert.throws(
    () => oracle.verify(completed.body.replace('completed', 'c0mpleted'), signedHeaders(completed)),
    /signature/i,
    'a changed body fails the oracle',
  );
  assert.throws(() =>
    new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
      completed.body,
      signedHeaders(completed),
    ),
  );

  for (const r of receiver.received) oracle.verify(r.body, signedHeaders(r));
  const started = receiver.ofType('rollout.started');
  assert.ok(started.length >= 2, 'refused before the crash, sent again after it');
  assert.equal(new Set(started.map((r) => r.headers['webhook-id'])).size, 1, 'one event, one id');
  assert.equal(new Set(started.map((r) => r.body)).size, 1, 'the same bytes every time');
  const waves = receiver
    .ofType('rollout.wave.completed')
    .map((r) => (JSON.parse(r.body) as { data: { wave: number } }).data.wave);
  assert.deepEqual([...new Set(waves)].sort(), [1, 2]);

  const after = await h.cliJson<Deliveries>(['webhook', 'deliveries', hook.id]);
  const startedRow = after.deliveries.find((d) => d.type === 'rollout.started');
  assert.equal(startedRow?.state, 'delivered');
  assert.equal(startedRow.log[0]?.statusCode, 503);
  assert.equal(startedRow.log[startedRow.log.length - 1]?.statusCode, 200);
});
