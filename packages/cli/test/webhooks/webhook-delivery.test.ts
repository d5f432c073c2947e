/**
 * Webhook delivery against a real server process and real receivers on loopback: private,
 * loopback and link-local destinations refused unless allowed; a receiver answering 500 tried
 * again after a backoff (the same id and bytes, each attempt signed anew), then given up after
 * the last attempt; redirects not followed; secrets never answered. Signatures are checked with
 * the independent `standardwebhooks` package.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Harness, eventually } from '../harness.js';
import { Receiver, signedHeaders } from './receiver.js';

const SECRET = `whsec_${Buffer.from('patchcast webhook delivery test key!').toString('base64')}`;

interface Delivery {
  eventId: string;
  type: string;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  log: { attempt: number; at: string; statusCode: number | null; error: string | null }[];
}

describe('webhook delivery with a real server', () => {
  let h: Harness;
  let receiver: Receiver;
  let secretFile = '';

  before(async () => {
    h = await Harness.create();
    receiver = await Receiver.start();
    await h.startServer(undefined, [
      '--webhook',
      'retry-base=1',
      '--webhook',
      'retry-max=4',
      '--webhook',
      'attempts=3',
    ]);
    secretFile = join(h.dir, 'secret');
    await writeFile(secretFile, `${SECRET}\n`);
  });
  after(async () => {
    await receiver.close();
    await h.close();
  });

  const add = (url: string, ...extra: string[]) =>
    h.cli([
      'webhook',
      'add',
      url,
      '--events',
      'log.checkpoint',
      '--secret-file',
      secretFile,
      ...extra,
      '--json',
    ]);
  const deliveries = async (id: string) =>
    (await h.cliJson<{ deliveries: Delivery[] }>(['webhook', 'deliveries', id])).deliveries;
  /** Something the log records: its checkpoint is a log.checkpoint event. */
  let n = 0;
  const logSomething = () =>
    h.cliJson(['token', 'create', '--name', `t${++n}`, '--role', 'viewer']);

  test('private, loopback and link-local destinations are refused unless --allow-private', async () => {
    const port = new URL(receiver.url()).port;
    for (const url of [
      receiver.url(),
      `http://localhost:${port}/hook`,
      `http://[::1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://100.64.0.1/hook',
    ]) {
      const result = await add(url);
      assert.equal(result.code, 1, `${url}: ${result.stderr}`);
      assert.match(result.stderr, /WEBHOOK_DESTINATION_REFUSED/, url);
    }
    const bad = await add('file:///etc/passwd');
    assert.match(bad.stderr, /INVALID_INPUT/);
    const { webhooks } = await h.cliJson<{ webhooks: unknown[] }>(['webhook', 'list']);
    assert.deepEqual(webhooks, [], 'nothing was added');
    assert.equal(receiver.received.length, 0, 'nothing was sent');
  });

  test('a bad secret file and an unknown event are refused with their codes', async () => {
    await writeFile(join(h.dir, 'weak'), 'whsec_c2hvcnQ=\n');
    const weak = await h.cli([
      'webhook',
      'add',
      receiver.url(),
      '--events',
      'log.checkpoint',
      '--secret-file',
      join(h.dir, 'weak'),
      '--allow-private',
    ]);
    assert.match(weak.stderr, /WEBHOOK_SECRET_INVALID/);
    assert.notEqual(weak.code, 0);
    const unknown = await h.cli([
      'webhook',
      'add',
      receiver.url(),
      '--events',
      'rollout.exploded',
      '--secret-file',
      secretFile,
      '--allow-private',
    ]);
    assert.match(unknown.stderr, /USAGE.*rollout\.exploded/s);
  });

  test('a receiver answering 500 gets the event again after a backoff, then it is delivered', async () => {
    receiver.answer = (request, seen) =>
      request.path === '/flaky' && seen.length < 2 ? { status: 500 } : { status: 200 };
    const added = await add(receiver.url('/flaky'), '--allow-private');
    assert.equal(added.code, 0, added.stderr);
    const hook = JSON.parse(added.stdout) as { id: string; url: string };
    assert.ok(!added.stdout.includes('whsec_'), 'the secret is never answered');
    await logSomething();
    const delivered = await eventually(async () => {
      const rows = await deliveries(hook.id);
      return rows.find((d) => d.state === 'delivered');
    }, 'a delivery after two 500s');
    assert.deepEqual(
      delivered.log.map((a) => [a.attempt, a.statusCode]),
      [
        [1, 500],
        [2, 500],
        [3, 200],
      ],
    );
    assert.equal(delivered.log[0]?.error, 'HTTP 500');
    // retry-base=1s with jitter between half and all of the delay: at least 0.5 s, then 1 s.
    const at = delivered.log.map((a) => Date.parse(a.at));
    assert.ok((at[1] ?? 0) - (at[0] ?? 0) >= 500, `second attempt waited: ${at.join(' ')}`);
    assert.ok((at[2] ?? 0) - (at[1] ?? 0) >= 1000, `third attempt waited: ${at.join(' ')}`);
    const attempts = receiver.received.filter((r) => r.headers['webhook-id'] === delivered.eventId);
    assert.equal(attempts.length, 3);
    assert.equal(new Set(attempts.map((r) => r.body)).size, 1, 'the same bytes each time');
    const oracle = new Webhook(SECRET);
    for (const r of attempts) {
      const payload = oracle.verify(r.body, signedHeaders(r)) as {
        type: string;
        data: { size: number };
      };
      assert.equal(payload.type, 'log.checkpoint');
      assert.ok(payload.data.size > 0);
    }
    const listed = await h.cli(['webhook', 'list', '--json']);
    assert.ok(!listed.stdout.includes('whsec_'), 'list shows no secret');
    await h.cliJson(['webhook', 'remove', hook.id]);
  });

  test('a receiver that always fails is given up after the last attempt', async () => {
    receiver.answer = (request) => (request.path === '/down' ? { status: 500 } : { status: 200 });
    const added = await add(receiver.url('/down'), '--allow-private');
    const hook = JSON.parse(added.stdout) as { id: string };
    await logSomething();
    const failed = await eventually(async () => {
      const rows = await deliveries(hook.id);
      return rows.find((d) => d.state === 'failed');
    }, 'a delivery to fail for good');
    assert.equal(failed.attempts, 3);
    assert.equal(failed.nextAttemptAt, null);
    assert.deepEqual(
      failed.log.map((a) => a.statusCode),
      [500, 500, 500],
    );
    const table = await h.cli(['webhook', 'deliveries', hook.id]);
    assert.match(table.stdout, /failed\s+3\s+HTTP 500/);
    await h.cliJson(['webhook', 'remove', hook.id]);
  });

  test('a redirect is not followed', async () => {
    receiver.answer = (request) =>
      request.path === '/moved'
        ? { status: 302, headers: { location: receiver.url('/landing') } }
        : { status: 200 };
    const added = await add(receiver.url('/moved'), '--allow-private');
    const hook = JSON.parse(added.stdout) as { id: string };
    await logSomething();
    const tried = await eventually(async () => {
      const rows = await deliveries(hook.id);
      return rows.find((d) => d.attempts > 0);
    }, 'an attempt at the redirecting receiver');
    assert.equal(tried.log[0]?.statusCode, 302);
    assert.match(tried.log[0]?.error ?? '', /redirect \(HTTP 302 to .*\/landing\) not followed/);
    assert.equal(receiver.received.filter((r) => r.path === '/landing').length, 0);
    const removed = await h.cli(['webhook', 'remove', hook.id]);
    assert.equal(removed.code, 0);
    const again = await h.cli(['webhook', 'remove', hook.id]);
    assert.match(again.stderr, /NOT_FOUND/);
  });
});
