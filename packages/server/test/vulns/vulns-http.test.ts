/**
 * The vulns feature through a real server: hostile inventory frames on an authenticated agent
 * channel (answered, never fatal to the channel), and hostile import requests over HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, authStatement, inventoryUpdateParts } from '@patchcast/protocol';
import type { PackageInventory, ServerMessage } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';

const basic = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: 'test', installed: [] };

const packages: PackageInventory = {
  format: 'patchcast-inventory/v1',
  collectedAt: '2026-03-01T00:00:00.000Z',
  os: { id: 'debian', versionId: '12' },
  kernel: null,
  dpkg: [
    {
      name: 'openssl',
      version: '3.0.11-1~deb12u1',
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u1',
      status: 'installed',
    },
  ],
  npm: [],
};

const ADVISORY = {
  id: 'DSA-5532-1',
  modified: '2023-10-26T00:00:00Z',
  upstream: ['CVE-2023-5363'],
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
    },
  ],
};

describe('vulns over a real server', () => {
  let dir: string;
  let server: RunningServer;
  let admin: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-vulns-http-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    admin = server.initialAdminToken ?? '';
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (path: string, init: RequestInit & { token?: string | undefined } = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      },
    });

  async function error(response: Response): Promise<[number, string, string]> {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return [response.status, body.error.code, body.error.message];
  }

  async function connectedDevice() {
    const created = await call('/api/v1/enroll-tokens', {
      method: 'POST',
      body: '{}',
      token: admin,
    });
    const { token } = (await created.json()) as { token: string };
    const pair = generateEd25519();
    const enrolled = await call('/api/v1/enroll', {
      method: 'POST',
      body: JSON.stringify({
        token,
        publicKey: pair.publicHex,
        name: 'web-1',
        labels: {},
        inventory: basic,
      }),
    });
    const { deviceId } = (await enrolled.json()) as { deviceId: string };
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
    const queue: ServerMessage[] = [];
    const waiters: ((m: ServerMessage) => void)[] = [];
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as ServerMessage;
      (waiters.shift() ?? ((x: ServerMessage) => queue.push(x)))(m);
    });
    const next = () =>
      new Promise<ServerMessage>((resolve) => {
        const m = queue.shift();
        if (m !== undefined) resolve(m);
        else waiters.push(resolve);
      });
    const challenge = await next();
    const nonce = challenge.type === 'challenge' ? challenge.nonce : '';
    const signature = ed25519Signer(pair).sign(
      authStatement(deviceId, nonce, new URL(server.url).host),
    );
    socket.send(
      JSON.stringify({
        type: 'hello',
        deviceId,
        nonce,
        signature,
        lastTimestampVersion: 0,
        inventory: basic,
      }),
    );
    assert.equal((await next()).type, 'welcome');
    return { deviceId, socket, next };
  }

  test('bad inventory frames get inventory-resync with a reason; the channel stays up', async () => {
    const { socket, next } = await connectedDevice();
    const send = (update: unknown) =>
      socket.send(JSON.stringify({ type: 'package-inventory', update }));
    send('garbage');
    const garbage = await next();
    assert.equal(garbage.type, 'inventory-resync');
    assert.equal(garbage.type === 'inventory-resync' && garbage.code, 'INVENTORY_INVALID');
    const [full] = inventoryUpdateParts({
      updateId: 'update-full',
      base: undefined,
      next: packages,
    });
    send({ ...full, digest: '0'.repeat(64) });
    const wrongDigest = await next();
    assert.equal(
      wrongDigest.type === 'inventory-resync' && wrongDigest.message.includes('digest'),
      true,
    );
    send({ ...full, base: 'a'.repeat(64) });
    const wrongBase = await next();
    assert.equal(wrongBase.type === 'inventory-resync' && wrongBase.code, 'CONFLICT');
    send(full);
    const ack = await next();
    assert.equal(ack.type, 'inventory-ack');
    assert.equal(socket.readyState, WebSocket.OPEN);
    socket.close();
  });

  test('imports over HTTP: bad records, unknown imports and kinds, bad data, roles', async () => {
    const created = await call('/api/v1/vulns/imports', {
      method: 'POST',
      body: '{}',
      token: admin,
    });
    const { id } = (await created.json()) as { id: string };
    const stage = (body: unknown, importId = id) =>
      call(`/api/v1/vulns/imports/${importId}/advisories`, {
        method: 'POST',
        body: JSON.stringify(body),
        token: admin,
      });
    assert.deepEqual(
      await error(
        await stage({ records: [ADVISORY, { id: 'X-1' }], sources: ['a.json', 'b.json'] }),
      ),
      [400, 'ADVISORY_INVALID', 'b.json (id X-1): modified: is required; nothing was imported'],
    );
    assert.deepEqual((await error(await stage({ records: [] }))).slice(0, 2), [
      400,
      'INVALID_INPUT',
    ]);
    assert.deepEqual((await error(await stage({ records: [ADVISORY] }, 'imp_nope'))).slice(0, 2), [
      404,
      'NOT_FOUND',
    ]);
    const data = (kind: string, text: string) =>
      call(`/api/v1/vulns/imports/${id}/data/${kind}`, {
        method: 'PUT',
        body: JSON.stringify({ text, source: `${kind}.file` }),
        token: admin,
      });
    assert.deepEqual((await error(await data('exploits', '{}'))).slice(0, 2), [404, 'NOT_FOUND']);
    const kev = await error(await data('kev', '{"title": 1}'));
    assert.deepEqual(kev.slice(0, 2), [400, 'THREAT_DATA_INVALID']);
    assert.match(kev[2], /^kev\.file: Not a CISA KEV catalog/);
    assert.deepEqual((await error(await data('policy', 'a,b\n'))).slice(0, 2), [
      400,
      'POLICY_INVALID',
    ]);
    assert.equal((await stage({ records: [ADVISORY] })).status, 200);
    const unauthenticated = await call('/api/v1/vulns/findings');
    assert.equal(unauthenticated.status, 401);
    const commit = await call(`/api/v1/vulns/imports/${id}/commit`, {
      method: 'POST',
      body: '{}',
      token: admin,
    });
    const summary = (await commit.json()) as {
      advisories: { added: number };
      devicesRecomputed: number;
    };
    assert.equal(summary.advisories.added, 1);
    assert.equal(summary.devicesRecomputed, 1, 'the device of the first test has an inventory');
    const again = await call(`/api/v1/vulns/imports/${id}/commit`, {
      method: 'POST',
      body: '{}',
      token: admin,
    });
    assert.equal(again.status, 404, 'an import commits once');
    const findings = (await (await call('/api/v1/vulns/findings', { token: admin })).json()) as {
      findings: { advisoryId: string; deviceName: string }[];
    };
    assert.deepEqual(
      findings.findings.map((f) => [f.advisoryId, f.deviceName]),
      [['DSA-5532-1', 'web-1']],
    );
    const badQuery = await call('/api/v1/vulns/findings?state=maybe', { token: admin });
    assert.deepEqual((await error(badQuery)).slice(0, 2), [400, 'INVALID_INPUT']);
  });
});
