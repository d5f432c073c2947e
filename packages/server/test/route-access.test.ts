/**
 * The role table, route by route: every row of ROUTE_ACCESS is a registered route, and each role
 * gets exactly what its row says (a real server, fastify's inject; tokens made through the API).
 * Revoked and expired tokens are refused on their next request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_ROUTES, ROLES, ROUTES, roleAllows } from '@patchcast/protocol';
import type { Role } from '@patchcast/protocol';
import { ROUTE_ACCESS } from '../src/features/auth/route-access.js';
import { startServer } from '../src/index.js';
import type { RunningServer } from '../src/index.js';

/** A concrete path for a route pattern: every parameter and wildcard filled in. */
function pathOf(pattern: string): string {
  return pattern.replace(/:[a-z0-9]+/gi, 'x').replace(/\*$/, 'x');
}

describe('the role table', () => {
  let dir: string;
  let server: RunningServer;
  let clock = Date.parse('2026-12-07T12:00:00.000Z');
  const tokens = new Map<Role, string>();

  /** The event stream never ends: a real request, its status and headers, then let go. */
  async function stream(url: string, token?: string) {
    const abort = new AbortController();
    const response = await fetch(`${server.url}${url}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const body = response.status === 200 ? '' : await response.text();
    abort.abort();
    const headers = { 'content-type': response.headers.get('content-type') ?? '' };
    return { statusCode: response.status, headers, body, json: <T>() => JSON.parse(body) as T };
  }

  const call = (method: string, url: string, token?: string, payload?: unknown) =>
    method === 'GET' && url === CONSOLE_ROUTES.events
      ? stream(url, token)
      : inject(method, url, token, payload);

  const inject = (method: string, url: string, token?: string, payload?: unknown) =>
    server.app.fastify.inject({
      method: method as 'GET',
      url,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-roles-'));
    server = await startServer(
      { dataDir: dir, port: 0, logLevel: 'fatal' },
      { now: () => new Date(clock) },
    );
    const admin = server.initialAdminToken ?? '';
    for (const role of ROLES) {
      const created = await call('POST', ROUTES.tokens, admin, { name: `t-${role}`, role });
      assert.equal(created.statusCode, 200, created.body);
      tokens.set(role, created.json<{ token: string }>().token);
    }
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('docs/security.md prints the table as it is', async () => {
    const page = await readFile(new URL('../../../../docs/security.md', import.meta.url), 'utf8');
    const documented = [...page.matchAll(/^\| `([A-Z]+ [^`]+)` +\| (\w+) +\|$/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    const table = Object.entries(ROUTE_ACCESS).map(([row, access]) => `${row} ${access}`);
    assert.deepEqual(documented, table);
  });

  test('every row is a registered route', () => {
    for (const row of Object.keys(ROUTE_ACCESS)) {
      const [method = '', url = ''] = row.split(' ');
      assert.ok(server.app.fastify.hasRoute({ method: method, url }), `${row} is registered`);
    }
  });

  test('each role can call exactly the routes its row allows', async () => {
    let checked = 0;
    for (const [row, access] of Object.entries(ROUTE_ACCESS)) {
      if (access === 'public') continue;
      const [method = '', pattern = ''] = row.split(' ');
      const url = pathOf(pattern);
      const anonymous = await call(method, url);
      assert.equal(anonymous.statusCode, 401, `${row} without a token`);
      assert.equal(anonymous.json<{ error: { code: string } }>().error.code, 'UNAUTHENTICATED');
      for (const role of ROLES) {
        const response = await call(
          method,
          url,
          tokens.get(role),
          method === 'GET' ? undefined : {},
        );
        const isJson = String(response.headers['content-type']).includes('json'); // not /metrics
        const code = isJson ? response.json<{ error?: { code: string } }>().error?.code : undefined;
        if (roleAllows(role, access))
          assert.ok(
            response.statusCode !== 401 && response.statusCode !== 403,
            `${role} may call ${row}: got ${response.statusCode} ${response.body}`,
          );
        else {
          assert.equal(response.statusCode, 403, `${role} may not call ${row}`);
          assert.equal(code, 'FORBIDDEN');
        }
        checked++;
      }
    }
    assert.ok(checked >= 4 * 25, `every protected route with every role (${checked} calls)`);
  });

  test('public routes need no token', async () => {
    for (const [row, access] of Object.entries(ROUTE_ACCESS)) {
      if (access !== 'public') continue;
      const [method = '', pattern = ''] = row.split(' ');
      const response = await call(
        method,
        pathOf(pattern),
        undefined,
        method === 'GET' ? undefined : {},
      );
      assert.ok(
        response.statusCode !== 401 && response.statusCode !== 403,
        `${row}: ${response.statusCode}`,
      );
    }
  });

  test('a revoked token is refused on its next request; an expired one from its expiry', async () => {
    const admin = tokens.get('admin') ?? '';
    const made = await call('POST', ROUTES.tokens, admin, {
      name: 'short',
      role: 'viewer',
      expiresInSeconds: 3600,
    });
    const { id, token } = made.json<{ id: string; token: string }>();
    assert.equal((await call('GET', ROUTES.status, token)).statusCode, 200);
    clock += 3600 * 1000;
    const expired = await call('GET', ROUTES.status, token);
    assert.equal(expired.statusCode, 401);
    assert.match(expired.body, /the API token \\"short\\" expired at 2026-12-07T13:00:00.000Z/);
    const other = await call('POST', ROUTES.tokens, admin, { name: 'ci', role: 'operator' });
    const ci = other.json<{ id: string; token: string }>();
    assert.equal((await call('GET', ROUTES.status, ci.token)).statusCode, 200);
    const revoked = await call('DELETE', ROUTES.token.replace(':id', ci.id), admin);
    assert.equal(revoked.statusCode, 200);
    assert.equal(revoked.json<{ state: string }>().state, 'revoked');
    const refused = await call('GET', ROUTES.status, ci.token);
    assert.equal(refused.statusCode, 401);
    assert.match(refused.body, /the API token \\"ci\\" was revoked at/);
    const listed = await call('GET', ROUTES.tokens, admin);
    const states = listed.json<{ tokens: { id: string; state: string }[] }>().tokens;
    assert.equal(states.find((t) => t.id === id)?.state, 'expired');
    assert.equal(states.find((t) => t.id === ci.id)?.state, 'revoked');
    assert.doesNotMatch(listed.body, /pc_|"hash"/, 'no secret and no hash in the list');
  });

  test('token names are unique among live tokens; bad requests are refused', async () => {
    const admin = tokens.get('admin') ?? '';
    const dup = await call('POST', ROUTES.tokens, admin, { name: 't-viewer', role: 'viewer' });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.body, /a token named \\"t-viewer\\" exists/);
    const badRole = await call('POST', ROUTES.tokens, admin, { name: 'x', role: 'root' });
    assert.equal(badRole.statusCode, 400);
    const badName = await call('POST', ROUTES.tokens, admin, { name: 'a b', role: 'viewer' });
    assert.equal(badName.statusCode, 400);
    const missing = await call('DELETE', ROUTES.token.replace(':id', 'tok_nope'), admin);
    assert.equal(missing.statusCode, 404);
  });
});
