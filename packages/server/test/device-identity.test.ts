/**
 * Enrollment rules and label changes over HTTP against a real server: who may change labels,
 * what the transparency log records, and that a known key re-enrolls only with proof of it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { enrollStatement, parseLogEntry } from '@patchcast/protocol';
import type { LogEvent, Role } from '@patchcast/protocol';
import { startServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { createApiToken } from '../src/features/auth/api-tokens.js';

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: 'test', installed: [] };

/** An enroll answer without its device certificate (checked in cli/test/tls/device-certificates). */
function answerOf(body: unknown): unknown {
  const { deviceCertificate, ...rest } = body as { deviceCertificate?: { certificate: string } };
  assert.match(deviceCertificate?.certificate ?? '', /^-----BEGIN CERTIFICATE-----/);
  return rest;
}

interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

describe('device identity over HTTP', () => {
  let dir: string;
  let server: RunningServer;
  let admin: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-identity-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    admin = server.initialAdminToken ?? '';
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function withStore<T>(fn: (store: SqliteStore) => Promise<T>): Promise<T> {
    const store = new SqliteStore(join(dir, 'patchcast.db'));
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }
  const addToken = (name: string, role: Role) =>
    withStore(async (store) => (await createApiToken(store, name, role, new Date())).token);
  const logEvents = () =>
    withStore(async (store) => {
      const entries = await store.log.entries(0, await store.log.size());
      return entries
        .map((e) => parseLogEntry(e.leaf))
        .filter((e): e is LogEvent => e !== undefined);
    });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
  const enrollToken = async (replaces?: string) =>
    ((await (await post('/api/v1/enroll-tokens', { replaces }, admin)).json()) as { token: string })
      .token;
  const enroll = (token: string, pair: { publicHex: string; seedHex: string }, extra = {}) =>
    post('/api/v1/enroll', {
      token,
      publicKey: pair.publicHex,
      name: 'host',
      labels: { env: 'staging' },
      inventory,
      proof: ed25519Signer(pair).sign(enrollStatement(token, pair.publicHex)),
      ...extra,
    });

  test('labels: a viewer may not change them, an operator may, and the log records it', async () => {
    const pair = generateEd25519();
    const { deviceId } = (await (await enroll(await enrollToken(), pair)).json()) as {
      deviceId: string;
    };
    const change = { set: { env: 'prod', ring: 'canary' }, remove: [] };
    const path = `/api/v1/devices/${deviceId}/labels`;
    const viewer = await post(path, change, await addToken('auditor', 'viewer'));
    assert.equal(viewer.status, 403);
    assert.equal(((await viewer.json()) as ErrorBody).error.code, 'FORBIDDEN');
    const operator = await post(path, change, await addToken('ops', 'operator'));
    assert.equal(operator.status, 200);
    const body = (await operator.json()) as { device: { labels: object }; changed: boolean };
    assert.deepEqual(body, { ...body, changed: true });
    assert.deepEqual(body.device.labels, { env: 'prod', ring: 'canary' });
    const logged = (await logEvents()).filter((e) => e.type === 'device-labels-changed');
    assert.deepEqual(
      logged.map(({ deviceId: id, labels, by, via }) => ({ id, labels, by, via })),
      [{ id: deviceId, labels: { env: 'prod', ring: 'canary' }, by: 'ops', via: 'label' }],
    );
  });

  test('a known key re-enrolls as the same device only with proof of holding it', async () => {
    const pair = generateEd25519();
    const first = (await (await enroll(await enrollToken(), pair)).json()) as { deviceId: string };
    const token = await enrollToken();
    const stranger = generateEd25519();
    const forged = await enroll(token, pair, {
      proof: ed25519Signer(stranger).sign(enrollStatement(token, pair.publicHex)),
    });
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as ErrorBody).error.code, 'SECURITY_AUTH_FAILED');
    const again = await enroll(token, pair, { labels: { env: 'qa' } });
    assert.equal(again.status, 200, 'the refused attempt did not spend the token');
    assert.deepEqual(answerOf(await again.json()), {
      deviceId: first.deviceId,
      outcome: 're-enrolled',
    });
    const events = await logEvents();
    assert.ok(
      events.some((e) => e.type === 'operator-action' && e.action === 'device-re-enrolled'),
    );
    const enrolled = events.filter(
      (e) => e.type === 'device-enrolled' && e.deviceId === first.deviceId,
    );
    assert.equal(enrolled.length, 1, 'one device-enrolled entry: no new device');
  });

  test('a replacement gives the device a new key, logged with both keys', async () => {
    const lost = generateEd25519();
    const { deviceId } = (await (await enroll(await enrollToken(), lost)).json()) as {
      deviceId: string;
    };
    const successor = generateEd25519();
    const missing = await post('/api/v1/enroll-tokens', { replaces: 'dev_other' }, admin);
    assert.equal(missing.status, 404, 'no replacement token for a device that does not exist');
    const token = await enrollToken(deviceId);
    const unbound = await enroll(token, successor);
    assert.equal(unbound.status, 401);
    assert.match(
      ((await unbound.json()) as ErrorBody).error.message,
      new RegExp(`only replaces device ${deviceId}`),
    );
    const replaced = await enroll(token, successor, { replaces: deviceId });
    assert.deepEqual(answerOf(await replaced.json()), { deviceId, outcome: 'replaced' });
    const logged = (await logEvents()).find((e) => e.type === 'device-key-replaced');
    assert.deepEqual(logged && { ...logged, at: '' }, {
      format: 'patchcast-log/v1',
      type: 'device-key-replaced',
      at: '',
      deviceId,
      publicKey: successor.publicHex,
      previousKey: lost.publicHex,
      by: 'initial-admin',
    });
  });
});
