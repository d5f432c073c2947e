import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, authStatement } from '@patchcast/protocol';
import type { Role, ServerMessage } from '@patchcast/protocol';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { createApiToken } from '../src/features/auth/api-tokens.js';
import { startServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';

interface ErrorShape {
  code: string;
  message: string;
  hint?: string;
}

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: 'test', installed: [] };

describe('authentication and authorisation', () => {
  let dir: string;
  let server: RunningServer;
  let admin: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-auth-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    admin = server.initialAdminToken ?? '';
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A token of another role, written into the running server's database (no CLI makes one). */
  async function addToken(name: string, role: Role): Promise<string> {
    const store = new SqliteStore(join(dir, 'patchcast.db'));
    try {
      return (await createApiToken(store, name, role, new Date())).token;
    } finally {
      await store.close();
    }
  }

  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
    });

  async function enrollDevice(name: string) {
    const created = await call('/api/v1/enroll-tokens', {
      method: 'POST',
      body: '{}',
      token: admin,
    });
    const { token } = (await created.json()) as { token: string };
    const pair = generateEd25519();
    const response = await call('/api/v1/enroll', {
      method: 'POST',
      body: JSON.stringify({ token, publicKey: pair.publicHex, name, labels: {}, inventory }),
    });
    assert.equal(response.status, 200);
    const { deviceId } = (await response.json()) as { deviceId: string };
    return { deviceId, signer: ed25519Signer(pair), token };
  }

  test('management routes refuse a missing, malformed or unknown token, and change nothing', async () => {
    for (const token of [undefined, 'not a token!', 'pc_wrongwrongwrongwrongwrong']) {
      const response = await call('/api/v1/rollouts', {
        method: 'POST',
        body: JSON.stringify({ patch: { name: 'x', version: '1' }, devices: { all: true } }),
        ...(token ? { token } : {}),
      });
      assert.equal(response.status, 401);
      assert.equal(
        ((await response.json()) as { error: { code: string } }).error.code,
        'UNAUTHENTICATED',
      );
    }
    const list = await call('/api/v1/rollouts', { token: admin });
    assert.deepEqual(await list.json(), { rollouts: [] });
  });

  test('each refusal says what is wrong: no token, an unknown token, a too small role', async () => {
    const refusal = async (token: string | undefined) => {
      const response = await call('/api/v1/enroll-tokens', {
        method: 'POST',
        body: '{}',
        ...(token === undefined ? {} : { token }),
      });
      return [response.status, ((await response.json()) as { error: ErrorShape }).error] as const;
    };
    const [missingStatus, missing] = await refusal(undefined);
    assert.equal(missingStatus, 401);
    assert.equal(missing.code, 'UNAUTHENTICATED');
    assert.equal(missing.message, 'an API token with the operator role is required');
    assert.match(missing.hint ?? '', /--token or PATCHCAST_TOKEN/);
    for (const wrong of ['wrong', 'pc_wrongwrongwrongwrongwrong', 'not a token!']) {
      const [status, error] = await refusal(wrong);
      assert.equal(status, 401, wrong);
      assert.equal(error.code, 'UNAUTHENTICATED', wrong);
      assert.equal(error.message, 'the API token is not valid (unknown to this server)', wrong);
      assert.match(error.hint ?? '', /whole token this server issued/, wrong);
    }
    const viewer = await addToken('auditor', 'viewer');
    const [status, forbidden] = await refusal(viewer);
    assert.equal(status, 403);
    assert.equal(forbidden.code, 'FORBIDDEN');
    assert.equal(
      forbidden.message,
      'this action needs the operator role; the token "auditor" has the viewer role',
    );
    assert.match(forbidden.hint ?? '', /a token with the operator role/);
  });

  test('an enrollment token works exactly once', async () => {
    const { token } = await enrollDevice('first');
    const pair = generateEd25519();
    const reuse = await call('/api/v1/enroll', {
      method: 'POST',
      body: JSON.stringify({
        token,
        publicKey: pair.publicHex,
        name: 'second',
        labels: {},
        inventory,
      }),
    });
    assert.equal(reuse.status, 401);
    const body = (await reuse.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ENROLL_TOKEN_INVALID');
    assert.match(body.error.message, /already used/);
    const devices = (await (await call('/api/v1/devices', { token: admin })).json()) as {
      devices: { name: string }[];
    };
    assert.deepEqual(
      devices.devices.map((d) => d.name).filter((n) => n === 'second'),
      [],
    );
  });

  function connect(): Promise<{
    socket: WebSocket;
    first: ServerMessage;
    next: () => Promise<ServerMessage | { closed: number }>;
  }> {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
    const queue: (ServerMessage | { closed: number })[] = [];
    const waiters: ((m: ServerMessage | { closed: number }) => void)[] = [];
    const push = (m: ServerMessage | { closed: number }) =>
      (waiters.shift() ?? ((x) => queue.push(x)))(m);
    socket.on('message', (data: Buffer) =>
      push(JSON.parse(data.toString('utf8')) as ServerMessage),
    );
    socket.on('close', (code) => push({ closed: code }));
    const next = () =>
      new Promise<ServerMessage | { closed: number }>((resolve) =>
        queue.length > 0 ? resolve(queue.shift() as ServerMessage) : waiters.push(resolve),
      );
    return next().then((first) => ({ socket, first: first as ServerMessage, next }));
  }

  test('device A cannot act as device B on the agent channel', async () => {
    const a = await enrollDevice('device-a');
    const b = await enrollDevice('device-b');
    const { socket, first, next } = await connect();
    assert.equal(first.type, 'challenge');
    const nonce = first.type === 'challenge' ? first.nonce : '';
    const audience = new URL(server.url).host;
    const forged = a.signer.sign(authStatement(b.deviceId, nonce, audience));
    socket.send(
      JSON.stringify({
        type: 'hello',
        deviceId: b.deviceId,
        nonce,
        signature: forged,
        lastTimestampVersion: 0,
        inventory,
      }),
    );
    assert.deepEqual(await next(), {
      type: 'error',
      code: 'SECURITY_AUTH_FAILED',
      message: 'device authentication failed',
    });
    assert.deepEqual(await next(), { closed: 4401 });
  });

  test('a replayed hello (signed over an old nonce) is refused', async () => {
    const a = await enrollDevice('device-replay');
    const audience = new URL(server.url).host;
    const first = await connect();
    const oldNonce = first.first.type === 'challenge' ? first.first.nonce : '';
    const hello = JSON.stringify({
      type: 'hello',
      deviceId: a.deviceId,
      nonce: oldNonce,
      signature: a.signer.sign(authStatement(a.deviceId, oldNonce, audience)),
      lastTimestampVersion: 0,
      inventory,
    });
    first.socket.send(hello);
    assert.equal(((await first.next()) as ServerMessage).type, 'welcome');
    first.socket.close();
    const second = await connect();
    second.socket.send(hello);
    assert.deepEqual(await second.next(), {
      type: 'error',
      code: 'SECURITY_AUTH_FAILED',
      message: 'device authentication failed',
    });
  });

  test('a hello signed for another server (audience) is refused', async () => {
    const a = await enrollDevice('device-relay');
    const { socket, first, next } = await connect();
    const nonce = first.type === 'challenge' ? first.nonce : '';
    const signature = a.signer.sign(authStatement(a.deviceId, nonce, 'evil.example:443'));
    socket.send(
      JSON.stringify({
        type: 'hello',
        deviceId: a.deviceId,
        nonce,
        signature,
        lastTimestampVersion: 0,
        inventory,
      }),
    );
    assert.equal(((await next()) as ServerMessage).type, 'error');
  });

  test('malformed agent frames close the connection', async () => {
    const { socket, next } = await connect();
    socket.send('{not json');
    assert.deepEqual(await next(), {
      type: 'error',
      code: 'INVALID_INPUT',
      message: 'malformed agent message',
    });
  });

  test('the TUF repository is public and serves consistent-snapshot metadata', async () => {
    const root = await fetch(`${server.url}/tuf/metadata/1.root.json`);
    assert.equal(root.status, 200);
    const timestamp = (await (await fetch(`${server.url}/tuf/metadata/timestamp.json`)).json()) as {
      signed: { meta: Record<string, { version: number }> };
    };
    const snapshotVersion = timestamp.signed.meta['snapshot.json']?.version;
    assert.equal(
      (await fetch(`${server.url}/tuf/metadata/${snapshotVersion}.snapshot.json`)).status,
      200,
    );
    assert.equal((await fetch(`${server.url}/tuf/metadata/..%2fkeys%2froot.key`)).status, 404);
    assert.equal((await fetch(`${server.url}/tuf/targets/..%2f..%2fkeys%2froot.key`)).status, 404);
    assert.equal((await fetch(`${server.url}/tuf/metadata/2.root.json`)).status, 404);
  });
});
