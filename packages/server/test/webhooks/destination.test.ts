/**
 * SSRF at delivery time: the address a name resolves to when the dispatcher connects is checked,
 * not only the one it had when the webhook was added (DNS rebinding). A fake resolver stands in
 * for DNS (the only fake); the store, the dispatcher and the receiver on loopback are real.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { addressRefusal, checkDestination } from '../../src/features/webhooks/destination.js';
import type { Resolver } from '../../src/features/webhooks/destination.js';
import { WebhookDispatcher } from '../../src/features/webhooks/dispatcher.js';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/features/webhooks/webhook-feature.js';
import { webhookEvent } from '../../src/features/webhooks/webhook-events.js';
import { hook } from './outbox-conformance.js';

let server: Server;
let port = 0;
const hits: string[] = [];
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-ssrf-'));
  server = createServer((req, res) => {
    hits.push(req.headers.host ?? '');
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

test('addresses: only public unicast passes; --allow-private admits private ranges, never multicast', () => {
  const refused = [
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
  ];
  for (const a of refused) assert.notEqual(addressRefusal(a, false), undefined, a);
  for (const a of ['93.184.215.14', '2606:4700::6810:84e5', '8.8.8.8'])
    assert.equal(addressRefusal(a, false), undefined, a);
  assert.equal(addressRefusal('127.0.0.1', true), undefined);
  assert.equal(addressRefusal('10.0.0.1', true), undefined);
  assert.equal(addressRefusal('224.0.0.1', true), 'multicast');
  assert.equal(addressRefusal('0.0.0.0', true), 'unspecified');
});

test('a name that resolved to a public address when added is refused when it resolves to loopback', async () => {
  let answer = '93.184.215.14';
  const resolve: Resolver = () => Promise.resolve([{ address: answer, family: 4 }]);
  const url = new URL(`http://rebind.test:${port}/hook`);
  await checkDestination(url, false, resolve);
  answer = '127.0.0.1';
  await assert.rejects(
    checkDestination(url, false, resolve),
    /WEBHOOK_DESTINATION_REFUSED|loopback/,
  );

  const store = new SqliteStore(join(dir, 'patchcast.db'));
  try {
    await store.webhooks.create({ ...hook('rebind', ['log.checkpoint']), url: url.toString() });
    await store.webhooks.create({
      ...hook('allowed', ['log.checkpoint']),
      url: `http://allowed.test:${port}/hook`,
      allowPrivate: true,
    });
    await store.webhooks.enqueue([
      webhookEvent('log.checkpoint', 'x', new Date().toISOString(), {}),
    ]);
    const dispatcher = new WebhookDispatcher({
      store: store.webhooks,
      holder: 'test',
      settings: { ...DEFAULT_WEBHOOK_SETTINGS, maxAttempts: 1, pollMs: 50 },
      resolve,
      now: () => new Date(),
      random: () => 0.5,
      userAgent: 'test',
      onError: (error) => assert.fail(String(error)),
    });
    dispatcher.start();
    const settled = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const [d] = await store.webhooks.deliveries(id, 1);
        if (d !== undefined && d.state !== 'pending') return d;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no settled delivery for ${id}`);
    };
    const refused = await settled('rebind');
    const allowed = await settled('allowed');
    await dispatcher.stop();
    assert.equal(refused.state, 'failed');
    assert.equal(refused.log[0]?.statusCode, null);
    assert.match(
      refused.log[0]?.error ?? '',
      /^WEBHOOK_DESTINATION_REFUSED: .*rebind\.test resolves to 127\.0\.0\.1/,
    );
    assert.equal(allowed.state, 'delivered');
    assert.deepEqual(
      hits,
      [`allowed.test:${port}`],
      'only the allowed webhook reached the receiver',
    );
  } finally {
    await store.close();
  }
});
