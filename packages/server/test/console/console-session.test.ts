/**
 * The console on a real server (fastify inject): its pages beside the API without shadowing it,
 * the first load's size, sign-in sessions with their cookie and CSRF rules, roles through the
 * session, revocation, sign-out, and the device list's search and paging.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { CONSOLE_ROUTES, CSRF_HEADER, ROUTES } from '@patchcast/protocol';
import { startServer } from '../../src/index.js';
import type { RunningServer } from '../../src/index.js';

/** The first load's budget: compressed JavaScript of the console's entry (issue 14). */
const FIRST_LOAD_JS_BYTES = 300 * 1024;

describe('the console on the server', () => {
  let dir: string;
  let server: RunningServer;
  let admin: string;
  let viewer: { id: string; token: string };

  const inject = (
    method: string,
    url: string,
    headers: Record<string, string> = {},
    payload?: object,
  ) =>
    server.app.fastify.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });

  async function signIn(token: string, headers: Record<string, string> = {}) {
    const response = await inject('POST', CONSOLE_ROUTES.session, headers, { token });
    assert.equal(response.statusCode, 200, response.body);
    const setCookie = String(response.headers['set-cookie']);
    const cookie = setCookie.split(';')[0] ?? '';
    return { setCookie, cookie, csrf: response.json<{ csrf: string }>().csrf };
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-console-'));
    server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    admin = server.initialAdminToken ?? '';
    const made = await inject(
      'POST',
      ROUTES.tokens,
      { authorization: `Bearer ${admin}` },
      { name: 'watcher', role: 'viewer' },
    );
    viewer = made.json<{ id: string; token: string }>();
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('pages answer index.html with a strict CSP; the API, /healthz and /log are not shadowed', async () => {
    for (const url of ['/', '/devices', '/devices/dev_1', '/rollouts/ro_1', '/log']) {
      const page = await inject('GET', url);
      assert.equal(page.statusCode, 200, url);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.body, /<div id="app"><\/div>/);
      assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    }
    const api = await inject('GET', '/api/v1/nothing');
    assert.equal(api.statusCode, 404);
    assert.equal(api.json<{ error: { code: string } }>().error.code, 'NOT_FOUND');
    assert.deepEqual((await inject('GET', '/healthz')).json(), { ok: true });
    assert.match((await inject('GET', '/log/checkpoint')).body, /^patchcast\//);
    assert.equal((await inject('GET', '/devicesx')).statusCode, 404);
    assert.equal((await inject('GET', '/assets/none.js')).statusCode, 404);
  });

  test('the first load is local and under 300 KB of compressed JavaScript', async () => {
    const index = (await inject('GET', '/')).body;
    assert.doesNotMatch(index, /(src|href)="(https?:)?\/\//, 'nothing from another origin');
    const scripts = [...index.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
    assert.ok(scripts.length > 0);
    let compressed = 0;
    for (const script of scripts) {
      const br = await inject('GET', script, { 'accept-encoding': 'br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.match(String(br.headers['cache-control']), /immutable/);
      const plain = await inject('GET', script);
      assert.deepEqual(brotliDecompressSync(br.rawPayload), plain.rawPayload);
      compressed += gzipSync(plain.rawPayload).length;
      assert.doesNotMatch(plain.body, /https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//);
    }
    assert.ok(compressed < FIRST_LOAD_JS_BYTES, `${compressed} bytes gzip`);
  });

  test('signing in sets an HttpOnly, SameSite=Strict cookie; a wrong token is refused', async () => {
    const wrong = await inject('POST', CONSOLE_ROUTES.session, {}, { token: 'pc_not_issued_here' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    const { setCookie, cookie } = await signIn(admin);
    assert.match(
      setCookie,
      /^patchcast_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    assert.ok(!setCookie.includes(admin), 'the token itself is not in the cookie');
    const who = await inject('GET', CONSOLE_ROUTES.session, { cookie });
    assert.equal(who.json<{ role: string }>().role, 'admin');
    assert.equal((await inject('GET', ROUTES.devices, { cookie })).statusCode, 200);
    assert.equal(
      (await inject('GET', ROUTES.devices, { cookie: 'patchcast_session=forged' })).statusCode,
      401,
    );
  });

  test('changes with the cookie need the CSRF header and this origin; bearer tokens work unchanged', async () => {
    const { cookie, csrf } = await signIn(admin);
    const body = { name: 'ci', role: 'viewer' as const };
    const forged = await inject('POST', ROUTES.tokens, { cookie }, body);
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json<{ error: { code: string } }>().error.code, 'CSRF_REFUSED');
    const wrong = await inject(
      'POST',
      ROUTES.tokens,
      { cookie, [CSRF_HEADER]: 'x'.repeat(43) },
      body,
    );
    assert.equal(wrong.json<{ error: { code: string } }>().error.code, 'CSRF_REFUSED');
    const elsewhere = await inject(
      'POST',
      ROUTES.tokens,
      { cookie, [CSRF_HEADER]: csrf, origin: 'https://attacker.example' },
      body,
    );
    assert.equal(elsewhere.json<{ error: { code: string } }>().error.code, 'CSRF_REFUSED');
    const ok = await inject(
      'POST',
      ROUTES.tokens,
      { cookie, [CSRF_HEADER]: csrf, origin: 'http://localhost:80' },
      body,
    );
    assert.equal(ok.statusCode, 200, ok.body);
    const bearer = await inject(
      'POST',
      ROUTES.tokens,
      { authorization: `Bearer ${admin}` },
      { name: 'ci-2', role: 'viewer' },
    );
    assert.equal(bearer.statusCode, 200, 'no cookie, no CSRF header: bearer as before');
  });

  test("a viewer's session may read but not act; revoking the token ends its sessions", async () => {
    const { cookie, csrf } = await signIn(viewer.token);
    assert.equal((await inject('GET', ROUTES.rollouts, { cookie })).statusCode, 200);
    const start = await inject(
      'POST',
      ROUTES.rollouts,
      { cookie, [CSRF_HEADER]: csrf },
      { patch: { name: 'p', version: '1' }, devices: { all: true } },
    );
    assert.equal(start.statusCode, 403);
    assert.equal(start.json<{ error: { code: string } }>().error.code, 'FORBIDDEN');
    const revoked = await inject('DELETE', ROUTES.token.replace(':id', viewer.id), {
      authorization: `Bearer ${admin}`,
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await inject('GET', ROUTES.rollouts, { cookie })).statusCode, 401);
  });

  test('signing out ends the session and clears the cookie', async () => {
    const { cookie, csrf } = await signIn(admin);
    const out = await inject('DELETE', CONSOLE_ROUTES.session, { cookie, [CSRF_HEADER]: csrf });
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /^patchcast_session=; .*Max-Age=0/);
    assert.equal((await inject('GET', ROUTES.status, { cookie })).statusCode, 401);
  });
});

describe('the console behind a proxy (--public-url)', () => {
  test("changes may come from the public URL's origin, and from no other", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchcast-console-proxy-'));
    const server = await startServer({
      dataDir: dir,
      port: 0,
      logLevel: 'fatal',
      publicUrls: ['https://patch.example.org'],
    });
    try {
      const inject = (headers: Record<string, string>, payload?: object) =>
        server.app.fastify.inject({
          method: 'POST',
          url: CONSOLE_ROUTES.session,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
      const signedIn = await inject({}, { token: server.initialAdminToken ?? '' });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0] ?? '';
      const { csrf } = signedIn.json<{ csrf: string }>();
      const change = (origin: string) =>
        server.app.fastify.inject({
          method: 'POST',
          url: ROUTES.enrollTokens,
          headers: { cookie, [CSRF_HEADER]: csrf, origin },
          payload: {},
        });
      assert.equal((await change('https://patch.example.org')).statusCode, 200);
      const other = await change('https://patch.example.org.evil.example');
      assert.equal(other.json<{ error: { code: string } }>().error.code, 'CSRF_REFUSED');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
