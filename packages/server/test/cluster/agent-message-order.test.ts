/**
 * The agent sends as soon as it reads welcome (its outbox, then `{type:"boot"}`), while the
 * server may still be finishing the hello (touching the device, resending open assignments: slow
 * on a PostgreSQL cluster node). One socket's messages are handled in the order they came, so a
 * message right behind the hello is handled as the connected device's, never refused as "the
 * first message must be hello". This regression stopped every agent of the multi-node failover
 * test from staying connected.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, authStatement } from '@patchcast/protocol';
import type { ServerMessage } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: 'test', installed: [] };
type Received = ServerMessage | { closed: number };

describe('agent channel: messages right behind the hello', () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-order-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function enroll(): Promise<{ deviceId: string; sign: (m: Uint8Array) => string }> {
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${server.initialAdminToken ?? ''}`,
    };
    const created = await fetch(`${server.url}/api/v1/enroll-tokens`, {
      method: 'POST',
      body: '{}',
      headers,
    });
    const { token } = (await created.json()) as { token: string };
    const pair = generateEd25519();
    const response = await fetch(`${server.url}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, publicKey: pair.publicHex, name: 'n', labels: {}, inventory }),
    });
    assert.equal(response.status, 200);
    const { deviceId } = (await response.json()) as { deviceId: string };
    const signer = ed25519Signer(pair);
    return { deviceId, sign: (m) => signer.sign(m) };
  }

  test('hello, boot and a second hello sent back to back: welcome, then only the second hello is refused', async () => {
    const device = await enroll();
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
    const received: Received[] = [];
    const waiters: ((m: Received) => void)[] = [];
    const push = (m: Received) => (waiters.shift() ?? ((x: Received) => received.push(x)))(m);
    socket.on('message', (data: Buffer) => push(JSON.parse(data.toString('utf8')) as Received));
    socket.on('close', (code) => push({ closed: code }));
    const next = () =>
      new Promise<Received>((resolve) => {
        const queued = received.shift();
        if (queued === undefined) waiters.push(resolve);
        else resolve(queued);
      });

    const challenge = await next();
    assert.ok('type' in challenge && challenge.type === 'challenge');
    const audience = new URL(server.url).host;
    const hello = JSON.stringify({
      type: 'hello',
      deviceId: device.deviceId,
      nonce: challenge.nonce,
      signature: device.sign(authStatement(device.deviceId, challenge.nonce, audience)),
      lastTimestampVersion: 0,
      inventory,
    });
    // all three in one go, before the welcome can have arrived
    socket.send(hello);
    socket.send(JSON.stringify({ type: 'boot', bootId: 'boot-1' }));
    socket.send(hello);

    const welcome = await next();
    assert.ok('type' in welcome && welcome.type === 'welcome', JSON.stringify(welcome));
    assert.equal(welcome.deviceId, device.deviceId);
    assert.deepEqual(await next(), {
      type: 'error',
      code: 'INVALID_INPUT',
      message: 'hello was already accepted',
    });
    assert.deepEqual(await next(), { closed: 4401 });
  });
});
