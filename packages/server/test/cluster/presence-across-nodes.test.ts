/**
 * Agent presence across nodes: two server nodes on one PostgreSQL database; an agent connected to
 * node A is online in node B's device list and status, and offline there once it disconnects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, authStatement } from '@patchcast/protocol';
import { startServer } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: 'test', installed: [] };
const tempDir = () => mkdtemp(join(tmpdir(), 'patchcast-presence-'));

async function api<T>(server: RunningServer, token: string, path: string, body?: object) {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as T;
}

/** Enrolls a device on `server` and connects it as an agent; resolves once welcomed. */
async function connectAgent(server: RunningServer, token: string) {
  const { token: enroll } = await api<{ token: string }>(
    server,
    token,
    '/api/v1/enroll-tokens',
    {},
  );
  const pair = generateEd25519();
  const body = { token: enroll, publicKey: pair.publicHex, name: 'roamer', labels: {}, inventory };
  const response = await fetch(`${server.url}/api/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const { deviceId } = (await response.json()) as { deviceId: string };
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
  const signer = ed25519Signer(pair);
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; nonce?: string };
      if (message.type === 'welcome') resolve();
      if (message.type !== 'challenge' || message.nonce === undefined) return;
      const statement = authStatement(deviceId, message.nonce, new URL(server.url).host);
      const hello = { type: 'hello', deviceId, nonce: message.nonce, lastTimestampVersion: 0 };
      socket.send(JSON.stringify({ ...hello, signature: signer.sign(statement), inventory }));
    });
  });
  return { deviceId, socket };
}

/** Polls until `check` holds (a write on one node reaches the other through the database). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`never: ${what}`);
}

const pg = await pgTestDatabase();
if (!pg.available) {
  test('agent presence across PostgreSQL nodes', (t) => t.skip(pg.reason));
} else {
  test('an agent on node A is online on node B, and offline there once it leaves', async () => {
    const db = await pg.newDatabase();
    const [dirA, dirB] = await Promise.all([tempDir(), tempDir()]);
    const settings = { db, port: 0, logLevel: 'fatal' } as const;
    const a = await startServer({ ...settings, dataDir: dirA, nodeId: 'node-a' });
    try {
      await cp(join(dirA, 'keys'), join(dirB, 'keys'), { recursive: true });
      const b = await startServer({ ...settings, dataDir: dirB, nodeId: 'node-b' });
      try {
        const token = (await readFile(join(dirA, 'initial-admin-token'), 'utf8')).trim();
        const { deviceId, socket } = await connectAgent(a, token);
        type Listed = { devices: { id: string; online: boolean }[] };
        const onlineOnB = async () =>
          (await api<Listed>(b, token, '/api/v1/devices?limit=50')).devices.find(
            (d) => d.id === deviceId,
          )?.online === true;
        await until(onlineOnB, 'online on node B');
        const status = await api<{ devices: { online: number } }>(b, token, '/api/v1/status');
        assert.equal(status.devices.online, 1, "node B counts node A's agent");
        socket.close();
        await until(async () => !(await onlineOnB()), 'offline on node B');
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
}
