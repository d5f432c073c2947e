/**
 * Abuse limits on a real server: API rate per token, failed authentications per address,
 * enrollments, agent message rate, JSON nesting over HTTP and on the agent channel. Each refusal
 * is a clear error; the server keeps serving.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ed25519Signer, generateEd25519 } from '@patchcast/core';
import { AGENT_CHANNEL_PATH, ROUTES, authStatement, jsonDepthExceeds } from '@patchcast/protocol';
import { FailureCounter, MessageBudget } from '../../src/features/limits/limits.js';
import { startServer } from '../../src/index.js';
import type { LimitsConfig } from '../../src/index.js';

test('JSON depth is measured without parsing; brackets in strings do not count', () => {
  assert.equal(jsonDepthExceeds('[[[]]]', 3), false);
  assert.equal(jsonDepthExceeds('[[[[]]]]', 3), true);
  assert.equal(jsonDepthExceeds('{"a":{"b":[1]}}', 3), false);
  assert.equal(jsonDepthExceeds('{"a":"[[[[[[","b":"\\\\"}', 1), false);
  assert.equal(
    jsonDepthExceeds('{"a":"\\"[[[["}', 1),
    false,
    'an escaped quote does not end the string',
  );
});

test('failed authentications block an address for the rest of its minute', () => {
  let now = 0;
  const failures = new FailureCounter(3, () => now);
  for (let i = 0; i < 2; i++) failures.record('a');
  assert.equal(failures.blockedFor('a'), 0);
  failures.record('a');
  assert.equal(failures.blockedFor('a'), 60_000);
  assert.equal(failures.blockedFor('b'), 0, 'another address is not blocked');
  now = 59_000;
  assert.equal(failures.blockedFor('a'), 1000);
  now = 60_000;
  assert.equal(failures.blockedFor('a'), 0, 'a new minute');
});

test('an agent connection may burst ten seconds of messages, then only its rate', () => {
  let now = 0;
  const budget = new MessageBudget(2, () => now);
  let taken = 0;
  while (budget.take()) taken++;
  assert.equal(taken, 20);
  now = 1000;
  assert.equal(budget.take(), true);
  assert.equal(budget.take(), true);
  assert.equal(budget.take(), false);
});

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: 'test', installed: [] };

/** A server with small limits, and calls to it from 127.0.0.1. */
async function limitedServer(limits: Partial<LimitsConfig>) {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-limits-'));
  const server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal', limits });
  const call = (url: string, token?: string, body?: unknown) =>
    fetch(`${server.url}${url}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const close = async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { server, admin: server.initialAdminToken ?? '', call, close };
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe('HTTP limits', () => {
  let s: Awaited<ReturnType<typeof limitedServer>>;
  before(async () => {
    s = await limitedServer({ apiPerMinute: 30, authFailuresPerMinute: 5, enrollPerMinute: 3 });
  });
  after(() => s.close());

  test('deep JSON is refused before anything reads it', async () => {
    const deep = `{"patch":{"name":"a","version":"1"},"devices":${'['.repeat(100)}${']'.repeat(100)}}`;
    const response = await s.call(ROUTES.rollouts, s.admin, deep);
    assert.equal(response.status, 400);
    assert.match(
      (await errorOf(response)).message,
      /the JSON body is nested deeper than 64 levels/,
    );
  });

  test('enrollments per address are limited', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await s.call(ROUTES.enroll, undefined, {})).status);
    assert.deepEqual(codes, [400, 400, 400, 429], 'three bad enrollments, then the limit');
  });

  test('API requests per token are limited', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) codes.push((await s.call(ROUTES.status, s.admin)).status);
    assert.ok(codes.includes(429), codes.join(' '));
    assert.equal(codes[0], 200);
    const refused = await s.call(ROUTES.status, s.admin);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.match((await errorOf(refused)).message, /^too many API requests; retry in \d+ s$/);
    assert.equal(
      (await s.call('/tuf/metadata/timestamp.json')).status,
      200,
      'the repository stays open',
    );
  });
});

describe('failed authentications', () => {
  let s: Awaited<ReturnType<typeof limitedServer>>;
  before(async () => {
    s = await limitedServer({ authFailuresPerMinute: 5 });
  });
  after(() => s.close());

  test('refused tokens block the address, even for a good token, for the rest of the minute', async () => {
    assert.equal((await s.call(ROUTES.status, s.admin)).status, 200);
    for (let i = 0; i < 5; i++)
      assert.equal((await s.call(ROUTES.status, `pc_wrong${'x'.repeat(20)}${i}`)).status, 401);
    const blocked = await s.call(ROUTES.status, s.admin);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    const error = await errorOf(blocked);
    assert.equal(error.code, 'RATE_LIMITED');
    assert.match(
      error.message,
      /too many failed authentications from this address; retry in \d+ s/,
    );
  });
});

describe('agent channel limits', () => {
  let s: Awaited<ReturnType<typeof limitedServer>>;
  before(async () => {
    s = await limitedServer({ agentMessagesPerSecond: 2 });
  });
  after(() => s.close());

  async function connectEnrolled() {
    const created = await s.call(ROUTES.enrollTokens, s.admin, {});
    const { token } = (await created.json()) as { token: string };
    const pair = generateEd25519();
    const enrolled = await s.call(ROUTES.enroll, undefined, {
      token,
      publicKey: pair.publicHex,
      name: 'flooder',
      labels: {},
      inventory,
    });
    const { deviceId } = (await enrolled.json()) as { deviceId: string };
    const socket = new WebSocket(`${s.server.url.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
    const messages: string[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    const challenge = new Promise<string>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(data.toString('utf8'))),
    );
    const welcome = new Promise<void>((resolve) =>
      socket.on('message', (data: Buffer) => {
        messages.push(data.toString('utf8'));
        if (messages.at(-1)?.includes('"welcome"') === true) resolve();
      }),
    );
    const { nonce } = JSON.parse(await challenge) as { nonce: string };
    const audience = new URL(s.server.url).host;
    socket.send(
      JSON.stringify({
        type: 'hello',
        deviceId,
        nonce,
        signature: ed25519Signer(pair).sign(authStatement(deviceId, nonce, audience)),
        lastTimestampVersion: 0,
        inventory,
      }),
    );
    // Authenticated first: a flood sent before the hello is handled would be cut off before it.
    await Promise.race([welcome, closed]);
    return { socket, messages, closed };
  }

  test('an agent flooding its connection is cut off with RATE_LIMITED', async () => {
    const { socket, messages, closed } = await connectEnrolled();
    for (let i = 0; i < 40; i++) socket.send(JSON.stringify({ type: 'boot', bootId: `b${i}` }));
    assert.equal(await closed, 4429);
    assert.ok(
      messages.some((m) => m.includes('"welcome"')),
      'it was a real, authenticated agent',
    );
    assert.ok(
      messages.some((m) => m.includes('"RATE_LIMITED"')),
      messages.join('\n'),
    );
  });

  test('a deeply nested frame is malformed and closes the connection', async () => {
    const { socket, messages, closed } = await connectEnrolled();
    socket.send(`{"type":"package-inventory","update":${'['.repeat(70)}${']'.repeat(70)}}`);
    assert.equal(await closed, 4401);
    assert.ok(
      messages.some((m) => m.includes('malformed agent message')),
      messages.join('\n'),
    );
  });
});
