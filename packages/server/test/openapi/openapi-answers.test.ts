/**
 * Real answers of every route match the API description (ADR 0032): a real server on a temporary
 * SQLite database, a device enrolled and connected on the agent channel, a patch published,
 * rollouts, an advisory import, tokens and webhooks; each answer's body is validated by ajv against
 * the document's schema for its route and status, closed to fields the schemas do not name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ed25519Signer, sha256Hex } from '@patchcast/core';
import {
  AGENT_CHANNEL_PATH,
  LOG_ROUTES,
  METRICS_PATH,
  ROLLOUT_ROUTES,
  ROUTES,
  VULN_ROUTES,
  WEBHOOK_ROUTES,
  CONSOLE_PAGES,
  CONSOLE_ROUTES,
  enrollStatement,
} from '@patchcast/protocol';
import { SERVER_VERSION, startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';
import { buildOpenApiDocument } from '../../src/features/openapi/openapi-document.js';
import { ROUTE_TABLE } from '../../src/features/openapi/route-table.js';
import { ResponseChecker } from './response-checker.js';
import {
  ADVISORY,
  BASIC,
  KEV,
  artifact,
  connectAgent,
  generateEd25519,
  targetsSigner,
} from './live-fleet.js';

interface Call {
  readonly params?: Record<string, string>;
  readonly body?: unknown;
  readonly raw?: Uint8Array;
  readonly query?: string;
  /** `null`: no token. */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

const PLAN = 'version: 1\ntarget: { all: true }\nwaves:\n  - { name: all, rest: true, bake: 1m }\n';
const patch = { name: 'openssl-fix', version: '1.0.1' };

describe('real answers of every route match the OpenAPI description', () => {
  let dir: string;
  let server: RunningServer;
  let admin: string;
  let socket: WebSocket | undefined;
  const checker = new ResponseChecker(
    buildOpenApiDocument({ version: SERVER_VERSION, closedResponses: true }),
  );
  const ids: Record<string, string> = {};

  /** Calls the route `pattern` with its parameters filled in, and checks the answer. */
  async function call(method: string, pattern: string, options: Call = {}) {
    const path = pattern
      .replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
        encodeURIComponent(options.params?.[name] ?? ''),
      )
      .replace(/\*$/, options.params?.['*'] ?? '');
    const token = options.token === undefined ? admin : options.token;
    const json = options.body !== undefined;
    const response = await fetch(`${server.url}${path}${options.query ?? ''}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(json ? { 'content-type': 'application/json' } : {}),
        ...(options.raw === undefined ? {} : { 'content-type': 'application/octet-stream' }),
        ...options.headers,
      },
      ...(json ? { body: JSON.stringify(options.body) } : {}),
      ...(options.raw === undefined ? {} : { body: options.raw }),
    });
    const status = response.status;
    const text = await checker.check(method, pattern, response);
    return { status, text, json: <T>() => JSON.parse(text) as T };
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-openapi-answers-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    admin = server.initialAdminToken ?? '';
  });
  after(async () => {
    socket?.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('server: health, status, metrics, the description itself; refusals in the Error shape', async () => {
    await call('GET', '/healthz', { token: null });
    assert.equal((await call('GET', ROUTES.status)).status, 200);
    assert.equal((await call('GET', METRICS_PATH)).status, 200);
    assert.equal((await call('GET', ROUTES.openapi, { token: null })).status, 200);
    assert.equal((await call('GET', ROUTES.status, { token: null })).status, 401);
    assert.equal((await call('GET', ROUTES.status, { token: 'pc_wrong' })).status, 401);
  });

  test('API tokens: create, list, revoke', async () => {
    const created = await call('POST', ROUTES.tokens, {
      body: { name: 'viewer-1', role: 'viewer' },
    });
    assert.equal(created.status, 200);
    const { id, token } = created.json<{ id: string; token: string }>();
    ids.viewer = token;
    await call('GET', ROUTES.tokens);
    const conflict = await call('POST', ROUTES.tokens, {
      body: { name: 'viewer-1', role: 'viewer' },
    });
    assert.equal(conflict.status, 409);
    const forbidden = await call('GET', ROUTES.tokens, { token });
    assert.equal(forbidden.status, 403);
    const other = await call('POST', ROUTES.tokens, { body: { name: 'gone', role: 'admin' } });
    assert.equal(
      (await call('DELETE', ROUTES.token, { params: { id: other.json<{ id: string }>().id } }))
        .status,
      200,
    );
    assert.equal((await call('DELETE', ROUTES.token, { params: { id: 'tok_none' } })).status, 404);
    assert.ok(id.length > 0);
  });

  test('devices: enroll tokens, enrollment, the agent channel, labels, results, revoke, remove', async () => {
    const enrollToken = await call('POST', ROUTES.enrollTokens, {
      body: { labels: { env: 'lab' } },
    });
    const { token } = enrollToken.json<{ token: string }>();
    await call('GET', ROUTES.enrollTokens);
    const spare = await call('POST', ROUTES.enrollTokens, { body: {} });
    await call('DELETE', ROUTES.enrollToken, { params: { id: spare.json<{ id: string }>().id } });
    const pair = generateEd25519();
    const enrolled = await call('POST', ROUTES.enroll, {
      token: null,
      body: { token, publicKey: pair.publicHex, name: 'web-1', labels: {}, inventory: BASIC },
    });
    const deviceId = enrolled.json<{ deviceId: string }>().deviceId;
    ids.device = deviceId;
    const badToken = { token, publicKey: pair.publicHex, name: 'web-1', inventory: BASIC };
    assert.equal((await call('POST', ROUTES.enroll, { token: null, body: badToken })).status, 401);

    const upgraded = await upgradeStatus(server.url);
    assert.equal(upgraded, 101);
    checker.checked.add(`GET ${AGENT_CHANNEL_PATH}`);
    socket = await connectAgent(server.url, deviceId, pair);

    await call('GET', ROUTES.devices);
    await call('GET', ROUTES.deviceResults, { params: { id: deviceId }, query: '?limit=5' });
    await call('POST', ROUTES.deviceLabels, {
      params: { id: deviceId },
      body: { set: { role: 'web' } },
    });
    assert.equal(
      (await call('POST', ROUTES.deviceLabels, { params: { id: deviceId }, body: {} })).status,
      400,
    );

    const other = generateEd25519();
    const second = await call('POST', ROUTES.enrollTokens, { body: {} });
    const secondToken = second.json<{ token: string }>().token;
    const twin = await call('POST', ROUTES.enroll, {
      token: null,
      body: {
        token: secondToken,
        publicKey: other.publicHex,
        name: 'web-2',
        inventory: BASIC,
        proof: ed25519Signer(other).sign(enrollStatement(secondToken, other.publicHex)),
      },
    });
    const twinId = twin.json<{ deviceId: string }>().deviceId;
    await call('POST', ROUTES.deviceRevoke, { params: { id: twinId }, body: { reason: 'test' } });
    await call('DELETE', ROUTES.device, { params: { id: twinId } });
    assert.equal((await call('DELETE', ROUTES.device, { params: { id: twinId } })).status, 404);
  });

  test('repository and log: upload, publish, metadata, targets, proofs, tiles', async () => {
    const bundle = artifact('an openapi test bundle');
    const sha = bundle.info.hashes.sha256;
    await call('PUT', ROUTES.artifact, {
      params: { sha256: sha },
      raw: bundle.bytes,
      token: admin,
    });
    const current = await call('GET', ROUTES.targets);
    const sign = await targetsSigner(dir);
    const metadata = sign(new TextEncoder().encode(current.text), {
      'openssl-fix/1.0.1/bundle.tar': bundle.info,
    });
    assert.equal((await call('POST', ROUTES.targets, { body: { metadata } })).status, 200);
    assert.equal((await call('POST', ROUTES.targets, { body: { metadata } })).status, 409);
    assert.equal((await call('GET', ROUTES.targets, { query: '?role=nobody' })).status, 404);
    assert.equal((await call('POST', ROUTES.root, { body: { root: { signed: {} } } })).status, 400);
    await call('GET', ROUTES.patches);
    const roles = await call('GET', ROUTES.repositoryRoles, { token: ids.viewer });
    const names = roles.json<{ roles: { name: string }[] }>().roles.map((r) => r.name);
    assert.deepEqual(names.slice(0, 4), ['root', 'targets', 'snapshot', 'timestamp']);
    await call('GET', '/tuf/metadata/:file', { params: { file: 'timestamp.json' }, token: null });
    const target = { '*': `openssl-fix/1.0.1/${sha}.bundle.tar` };
    const file = await call('GET', '/tuf/targets/*', { params: target, token: null });
    assert.equal(file.text, 'an openapi test bundle');
    assert.equal(sha256Hex(new TextEncoder().encode(file.text)), sha);

    const checkpoint = await call('GET', LOG_ROUTES.checkpoint, { token: null });
    const size = Number(checkpoint.text.split('\n')[1]);
    assert.ok(size > 2 && size < 256, `log size ${size}`);
    await call('GET', LOG_ROUTES.key, { token: null });
    await call('GET', LOG_ROUTES.tiles, { params: { '*': `0/000.p/${size}` }, token: null });
    await call('GET', LOG_ROUTES.patchProof, { params: patch, token: null });
    await call('GET', LOG_ROUTES.consistencyProof, {
      params: { from: '1', to: String(size) },
      token: null,
    });
    await call('GET', LOG_ROUTES.keyTransitions, { token: null });
  });

  test('rollouts: plain and planned starts, list, status, progress, an action', async () => {
    const plain = await call('POST', ROUTES.rollouts, {
      body: { patch, devices: { ids: [ids.device] } },
    });
    assert.equal(plain.status, 200);
    const plainId = plain.json<{ id: string }>().id;
    await call('POST', ROLLOUT_ROUTES.action, {
      params: { id: plainId, action: 'abort' },
      body: {},
    });
    const planned = await call('POST', ROUTES.rollouts, {
      body: { patch, plan: PLAN, planName: 'p.yaml' },
    });
    assert.equal(planned.status, 200);
    const id = planned.json<{ id: string }>().id;
    await call('GET', ROUTES.rollouts);
    await call('GET', ROUTES.rollout, { params: { id } });
    await call('GET', ROLLOUT_ROUTES.progress, { params: { id } });
    await call('POST', ROLLOUT_ROUTES.action, { params: { id, action: 'pause' }, body: {} });
    const bad = { patch, plan: PLAN.replace('1m', '5x') };
    assert.equal((await call('POST', ROUTES.rollouts, { body: bad })).status, 400);
    assert.equal((await call('GET', ROUTES.rollout, { params: { id: 'ro_none' } })).status, 404);
  });

  test('vulns: a staged import, findings, the queue, coverage, the report', async () => {
    const created = await call('POST', VULN_ROUTES.imports, { body: {} });
    const id = created.json<{ id: string }>().id;
    await call('POST', VULN_ROUTES.importAdvisories, {
      params: { id },
      body: { records: [ADVISORY] },
    });
    const epss = { text: 'cve,epss,percentile\nCVE-2023-5363,0.5,0.9\n', source: 'epss.csv' };
    await call('PUT', VULN_ROUTES.importData, { params: { id, kind: 'epss' }, body: epss });
    const kev = { text: JSON.stringify(KEV), source: 'kev.json' };
    await call('PUT', VULN_ROUTES.importData, { params: { id, kind: 'kev' }, body: kev });
    const sources = ['debian.zip', 'kev.json'];
    await call('POST', VULN_ROUTES.importCommit, { params: { id }, body: { sources } });
    const history = await call('GET', VULN_ROUTES.imports, { token: ids.viewer });
    const last = history.json<{ imports: { id: string; sources: string[] }[] }>().imports[0];
    assert.deepEqual([last?.id, last?.sources], [id, sources]);
    const findings = await call('GET', VULN_ROUTES.findings, { query: `?device=${ids.device}` });
    const rows = findings.json<{ findings: { cvss?: unknown; kev?: unknown }[] }>().findings;
    assert.equal(rows.length, 1);
    assert.ok(rows[0]?.cvss !== undefined && rows[0].kev !== undefined, 'with CVSS and KEV');
    await call('GET', VULN_ROUTES.queue);
    await call('GET', VULN_ROUTES.coverage, { token: ids.viewer });
    await call('GET', VULN_ROUTES.report);
  });

  test('webhooks: add, list, deliveries, remove', async () => {
    const body = {
      url: 'http://127.0.0.1:9/hook',
      events: ['rollout.completed'],
      secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
      allowPrivate: true,
    };
    const added = await call('POST', WEBHOOK_ROUTES.webhooks, { body });
    const id = added.json<{ id: string }>().id;
    await call('GET', WEBHOOK_ROUTES.webhooks);
    await call('GET', WEBHOOK_ROUTES.deliveries, { params: { id }, query: '?limit=10' });
    const tooMany = await call('GET', WEBHOOK_ROUTES.deliveries, {
      params: { id },
      query: '?limit=501',
    });
    assert.equal(tooMany.status, 400);
    await call('DELETE', WEBHOOK_ROUTES.webhook, { params: { id } });
    const refused = await call('POST', WEBHOOK_ROUTES.webhooks, {
      body: { ...body, allowPrivate: false },
    });
    assert.equal(refused.status, 400);
  });

  test('console: pages, assets, a session made from a token, the event stream', async () => {
    for (const page of CONSOLE_PAGES) await call('GET', page, { token: null, params: { id: 'x' } });
    const index = await (await fetch(`${server.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
    assert.equal(
      (await call('GET', '/assets/*', { token: null, params: { '*': script.slice(8) } })).status,
      200,
    );
    const signedIn = await call('POST', CONSOLE_ROUTES.session, {
      token: null,
      body: { token: admin },
    });
    assert.equal(signedIn.status, 200);
    const refused = await call('POST', CONSOLE_ROUTES.session, {
      token: null,
      body: { token: 'pc_not_a_token_of_this_server' },
    });
    assert.equal(refused.status, 401);
    const { csrf } = signedIn.json<{ csrf: string }>();
    const created = await fetch(`${server.url}${CONSOLE_ROUTES.session}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: admin }),
    });
    const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const session = (await created.json()) as { csrf: string };
    assert.equal(
      (await call('GET', CONSOLE_ROUTES.session, { token: null, headers: { cookie } })).status,
      200,
    );
    const stream = new AbortController();
    const events = await fetch(`${server.url}${CONSOLE_ROUTES.events}`, {
      headers: { cookie },
      signal: stream.signal,
    });
    assert.equal(events.status, 200);
    assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = events.body?.getReader();
    const first = (await reader?.read()) as { value?: Uint8Array } | undefined;
    assert.match(new TextDecoder().decode(first?.value), /event: change\ndata: \{"kind":"hello"/);
    stream.abort();
    checker.checked.add(`GET ${CONSOLE_ROUTES.events}`);
    const forged = await call('DELETE', CONSOLE_ROUTES.session, {
      token: null,
      headers: { cookie },
    });
    assert.equal(forged.status, 403);
    const out = await call('DELETE', CONSOLE_ROUTES.session, {
      token: null,
      headers: { cookie, 'x-patchcast-csrf': session.csrf },
    });
    assert.equal(out.status, 204);
    assert.ok(csrf.length > 20);
  });

  test('every route of the description was called and its answer checked', () => {
    const missing = ROUTE_TABLE.map((r) => `${r.method} ${r.path}`).filter(
      (route) => !checker.checked.has(route),
    );
    assert.deepEqual(missing, []);
  });
});

/** The agent channel's upgrade answer, before any message. */
function upgradeStatus(serverUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}${AGENT_CHANNEL_PATH}`);
    ws.on('upgrade', (response) => {
      resolve(response.statusCode ?? 0);
      ws.close();
    });
    ws.on('error', reject);
  });
}
