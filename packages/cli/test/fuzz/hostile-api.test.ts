/**
 * A property-based fuzzer over every HTTP route of a real server and over the agent channel
 * (issue 13 item 7): malformed, oversized, wrongly typed, wrongly encoded, replayed and
 * unauthorised requests. Never a 5xx, never a crash, never a 2xx without the right role; what was
 * written before is intact after, and a patch still publishes and installs. Bounded in count and
 * time (PATCHCAST_FUZZ_RUNS, default 300 requests; seed in PATCHCAST_FC_SEED).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { ROUTE_ACCESS } from '@patchcast/server';
import { AGENT_CHANNEL_PATH, ROLES, roleAllows } from '@patchcast/protocol';
import type { Role } from '@patchcast/protocol';
import { isErrorCode } from '@patchcast/core';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

const RUNS = Number(process.env['PATCHCAST_FUZZ_RUNS'] ?? 300);
const SEED = Number(process.env['PATCHCAST_FC_SEED'] ?? Date.now() % 0x7fffffff);
const TIME_LIMIT_MS = 120_000;
/** The server's request body limit (fastify's bodyLimit in server/src/app.ts). */
const BODY_LIMIT = 1024 * 1024;
const ROWS = Object.entries(ROUTE_ACCESS).map(([row, access]) => {
  const [method = 'GET', pattern = '/'] = row.split(' ');
  return { method, pattern, access };
});

type Who = Role | 'none' | 'garbage' | 'revoked';

interface Snapshot {
  devices: string;
  rollouts: string;
  patches: string;
}

const hex = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength });

/** A path segment an attacker might send in place of a parameter. */
const segment = fc.oneof(
  fc.constantFrom('x', '..', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%00', '%ff', '', 'a'.repeat(600)),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
  hex(64, 64),
);

/** A body: JSON of any shape, deep JSON, bytes that are not UTF-8, a large one, or nothing. */
const body = fc.oneof(
  fc.constant(undefined),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(v)) })),
  fc
    .record(
      {
        patch: fc.oneof(fc.record({ name: fc.string(), version: fc.string() }), fc.anything()),
        devices: fc.oneof(
          fc.constant({ all: true }),
          fc.record({ labels: fc.dictionary(fc.string(), fc.string()) }),
          fc.anything(),
        ),
        plan: fc.string({ maxLength: 200 }),
        name: fc.string(),
        role: fc.constantFrom(...ROLES, 'root', ''),
        records: fc.array(fc.anything(), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(v)) })),
  fc.nat({ max: 5000 }).map((n) => ({
    type: 'application/json',
    bytes: Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`),
  })),
  fc
    .uint8Array({ maxLength: 256 })
    .map((b) => ({ type: 'application/json', bytes: Buffer.from([0xff, 0xfe, ...b]) })),
  fc
    .uint8Array({ maxLength: 256 })
    .map((b) => ({ type: 'application/octet-stream', bytes: Buffer.from(b) })),
  fc
    .constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
    )
    .map((type) => ({ type, bytes: Buffer.from('a=b&{') })),
  fc.constant({ type: 'application/json', bytes: Buffer.alloc(3 * 1024 * 1024, 0x20) }),
);

const request = fc.record({
  row: fc.constantFrom(...ROWS),
  otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), {
    freq: 4,
  }),
  params: fc.array(segment, { minLength: 6, maxLength: 6 }),
  query: fc.option(
    fc
      .string({ maxLength: 60 })
      .map((s) => `?${encodeURIComponent(s)}=${s.length > 30 ? '%' : '1'}`),
  ),
  who: fc.constantFrom<Who>(...ROLES, 'none', 'garbage', 'revoked'),
  body,
});

describe('hostile input over HTTP and the agent channel', () => {
  let h: Harness;
  const tokens = new Map<Who, string>();
  let before1: Snapshot;

  const snapshot = async (): Promise<Snapshot> => ({
    devices: JSON.stringify(
      (await h.cliJson<{ devices: { id: string; labels: unknown }[] }>(['devices'])).devices.map(
        (d) => [d.id, d.labels],
      ),
    ),
    rollouts: JSON.stringify(
      (
        await h.cliJson<{ rollouts: { id: string; patch: unknown }[] }>(['rollout', 'list'])
      ).rollouts.map((r) => [r.id, r.patch]),
    ),
    patches: JSON.stringify(await h.cliJson<unknown>(['patches'])),
  });

  before(async () => {
    h = await Harness.create();
    await h
      .start(
        [
          'server',
          '--data',
          join(h.dir, 'server'),
          '--listen',
          '127.0.0.1:0',
          '--limit',
          'api=1000000',
          '--limit',
          'auth-failures=1000000',
          '--limit',
          'enroll=1000000',
        ],
        /listening on (http:\/\/[^\s]+)/,
      )
      .then(async ({ match }) => {
        h.server = match[1] ?? '';
        h.token = (await readFile(join(h.dir, 'server/initial-admin-token'), 'utf8')).trim();
      });
    await h.startAgent('fuzz-1', ['env=test']);
    await h.publish(
      await writePatchSource(join(h.dir, 'p1'), { 'app.conf': 'v=1\n' }),
      'app',
      '1.0.0',
    );
    const first = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'app@1.0.0',
      '--devices',
      'env=test',
    ]);
    await h.settled(first.id);
    for (const role of ROLES) {
      const made = await h.cliJson<{ token: string }>([
        'token',
        'create',
        '--name',
        `fuzz-${role}`,
        '--role',
        role,
      ]);
      tokens.set(role, made.token);
    }
    const revoked = await h.cliJson<{ id: string; token: string }>([
      'token',
      'create',
      '--name',
      'fuzz-revoked',
      '--role',
      'admin',
    ]);
    assert.equal((await h.cli(['token', 'revoke', revoked.id])).code, 0);
    tokens.set('revoked', revoked.token);
    tokens.set('garbage', `pc_${'A'.repeat(43)}`);
    before1 = await snapshot();
  });
  after(() => h.close());

  test('no request gets a 5xx, and none gets a 2xx its token may not have', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path =
          r.row.pattern.replace(/:[a-z0-9]+|\*$/gi, () => r.params[i++] ?? 'x') + (r.query ?? '');
        const method = r.otherMethod ?? r.row.method;
        const token = tokens.get(r.who);
        const sent =
          r.body === undefined || method === 'GET' || method === 'HEAD' ? undefined : r.body.bytes;
        const response = await fetch(`${h.server}${path}`, {
          method,
          headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            ...(r.body === undefined ? {} : { 'content-type': r.body.type }),
          },
          ...(sent === undefined ? {} : { body: sent }),
          signal: AbortSignal.timeout(30_000),
        }).catch(async (error: unknown) => {
          // A body over the server's limit is refused before it is read: the refusal may close
          // the socket while the client is still writing (EPIPE, reset). Not a crash: the
          // server must still answer at once.
          if (sent === undefined || sent.length <= BODY_LIMIT) throw error;
          assert.equal((await fetch(`${h.server}/healthz`)).status, 200, 'alive after a reset');
          return undefined;
        });
        if (response === undefined) return;
        // The console's event stream never ends: its status and headers are the answer.
        const stream = response.headers.get('content-type')?.startsWith('text/event-stream');
        const text = stream === true ? '' : await response.text();
        if (stream === true) await response.body?.cancel();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        const where = `${method} ${path} as ${r.who}: ${response.status} ${text.slice(0, 300)}`;
        assert.ok(response.status < 500, where);
        // The row that served it: the same pattern under the method actually sent.
        const served = ROWS.find(
          (x) => x.pattern === r.row.pattern && x.method === (method === 'HEAD' ? 'GET' : method),
        );
        if (response.status < 300 && path.startsWith('/api/')) {
          assert.ok(served !== undefined, `a 2xx on a method the route does not have: ${where}`);
          const role = ROLES.find((x) => x === r.who);
          const allowed =
            served.access === 'public' || (role !== undefined && roleAllows(role, served.access));
          assert.ok(allowed, `a 2xx without the role: ${where}`);
        }
        if (response.status >= 400 && path.startsWith('/api/')) {
          const parsed = JSON.parse(text) as { error?: { code?: unknown } };
          assert.ok(isErrorCode(parsed.error?.code), `an error without a catalog code: ${where}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
    );
    assert.ok(
      (seen.get(200) ?? 0) > 0 && [...seen.keys()].some((s) => s >= 400),
      `varied answers: ${[...seen].join(' ')} (seed ${SEED})`,
    );
  });

  test('hostile agent frames never take the server down', async () => {
    const url = `${h.server.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`;
    const frame = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            type: fc.constantFrom(
              'hello',
              'report',
              'inventory',
              'boot',
              'health',
              'package-inventory',
              'x',
            ),
            deviceId: fc.string(),
            nonce: fc.string(),
            signature: hex(0, 200),
            update: fc.anything(),
            reportId: fc.string(),
          },
          { requiredKeys: ['type'] },
        )
        .map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 5 }), async (frames) => {
        const socket = new WebSocket(url, { handshakeTimeout: 10_000 });
        const closed = new Promise<number>((resolve) =>
          socket.on('close', (code) => resolve(code)),
        );
        socket.on('error', () => undefined);
        await new Promise<void>((resolve) => socket.once('message', () => resolve()));
        for (const f of frames) socket.send(f);
        const timer = setTimeout(() => socket.terminate(), 5000);
        const code = await closed;
        clearTimeout(timer);
        assert.ok(code !== 1011, 'no internal error on the channel');
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 10)), seed: SEED, interruptAfterTimeLimit: 60_000 },
    );
  });

  test('afterwards: nothing written before was lost, the log verifies, a patch still installs', async () => {
    assert.deepEqual(await snapshot(), before1);
    const audit = await h.cli(['audit', 'verify', '--json']);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    await h.publish(
      await writePatchSource(join(h.dir, 'p2'), { 'app.conf': 'v=2\n' }),
      'app',
      '2.0.0',
    );
    const second = await h.cliJson<{ id: string }>([
      'rollout',
      'start',
      'app@2.0.0',
      '--devices',
      'env=test',
    ]);
    const done = await h.settled<{ state: string }>(second.id);
    assert.equal(done.state, 'completed');
    assert.equal(await readFile(join(h.agentDirs('fuzz-1').root, 'app.conf'), 'utf8'), 'v=2\n');
  });
});
