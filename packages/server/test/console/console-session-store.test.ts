/**
 * Console sessions live in the store: one made before a restart still works after it (SQLite),
 * and two server nodes on one PostgreSQL database accept each other's session cookie, CSRF token
 * included; signing out on one node ends the session on the other.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_ROUTES, CSRF_HEADER } from '@patchcast/protocol';
import { startServer } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'patchcast-console-store-'));

interface Signed {
  readonly cookie: string;
  readonly csrf: string;
}

async function signIn(server: RunningServer, token: string): Promise<Signed> {
  const response = await fetch(`${server.url}${CONSOLE_ROUTES.session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await response.json()) as { csrf: string }).csrf };
}

function whoAmI(server: RunningServer, signed: Signed): Promise<Response> {
  return fetch(`${server.url}${CONSOLE_ROUTES.session}`, { headers: { cookie: signed.cookie } });
}

function signOut(server: RunningServer, signed: Signed): Promise<Response> {
  const origin = server.url;
  return fetch(`${server.url}${CONSOLE_ROUTES.session}`, {
    method: 'DELETE',
    headers: { cookie: signed.cookie, [CSRF_HEADER]: signed.csrf, origin },
  });
}

describe('console sessions in the store', () => {
  test('a session survives a restart of the server (SQLite)', async () => {
    const dataDir = await tempDir();
    const first = await startServer({ dataDir, port: 0, logLevel: 'fatal' });
    let signed: Signed;
    try {
      signed = await signIn(first, first.initialAdminToken ?? '');
    } finally {
      await first.close();
    }
    const again = await startServer({ dataDir, port: 0, logLevel: 'fatal' });
    try {
      const answer = await whoAmI(again, signed);
      assert.equal(answer.status, 200, await answer.clone().text());
      const body = (await answer.json()) as { role: string; csrf: string };
      assert.equal(body.role, 'admin');
      assert.equal(body.csrf, signed.csrf, 'the CSRF token is the same after the restart');
      assert.equal((await signOut(again, signed)).status, 204);
      assert.equal((await whoAmI(again, signed)).status, 401, 'signed out');
    } finally {
      await again.close();
    }
  });
});

const pg = await pgTestDatabase();
if (!pg.available) {
  test('console sessions across PostgreSQL nodes', (t) => t.skip(pg.reason));
} else {
  test('two nodes on one PostgreSQL accept the same session; sign-out ends it on both', async () => {
    const db = await pg.newDatabase();
    const [dirA, dirB] = await Promise.all([tempDir(), tempDir()]);
    const a = await startServer({ dataDir: dirA, db, port: 0, logLevel: 'fatal' });
    try {
      await cp(join(dirA, 'keys'), join(dirB, 'keys'), { recursive: true });
      const b = await startServer({ dataDir: dirB, db, port: 0, logLevel: 'fatal' });
      try {
        const token = (await readFile(join(dirA, 'initial-admin-token'), 'utf8')).trim();
        const signed = await signIn(a, token);
        const onB = await whoAmI(b, signed);
        assert.equal(onB.status, 200, await onB.clone().text());
        assert.equal(((await onB.json()) as { csrf: string }).csrf, signed.csrf);
        assert.equal((await signOut(b, signed)).status, 204, 'node B takes the CSRF token');
        assert.equal((await whoAmI(a, signed)).status, 401, 'signed out on node A too');
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
}
