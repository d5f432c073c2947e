/**
 * `startServer` on PostgreSQL: bad database URLs fail the start with a stable code and never show
 * the password; nodes of one database share the first node's admin token and key set.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { startServer } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import { pgTestDatabase } from './pg-test-db.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'patchcast-pg-node-'));

async function startNode(db: string, dataDir: string): Promise<RunningServer> {
  return startServer({ dataDir, db, port: 0, logLevel: 'fatal' });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<PatchcastError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PatchcastError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

describe('server start on a database that cannot be used', () => {
  test('an unreachable PostgreSQL is DB_UNAVAILABLE, and the password is not shown', async () => {
    const url = 'postgres://patchcast:s3cret-pw@127.0.0.1:1/patchcast';
    const error = await rejectsWith(startNode(url, await tempDir()), 'DB_UNAVAILABLE');
    assert.match(error.message, /postgres:\/\/patchcast:\*\*\*@127\.0\.0\.1:1\/patchcast/);
    assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /s3cret-pw/);
  });

  test('a URL that names no host is CONFIG_INVALID', async () => {
    await rejectsWith(startNode('postgres://', await tempDir()), 'CONFIG_INVALID');
  });
});

const pg = await pgTestDatabase();
if (!pg.available) {
  test('server nodes on PostgreSQL', (t) => t.skip(pg.reason));
} else {
  describe('server nodes on PostgreSQL', () => {
    test('a database that does not exist is DB_UNAVAILABLE', async () => {
      const url = new URL(pg.url);
      url.pathname = '/patchcast_no_such_database';
      const error = await rejectsWith(startNode(url.toString(), await tempDir()), 'DB_UNAVAILABLE');
      assert.match(error.message, /patchcast_no_such_database/);
    });

    test('the first node makes the admin token; a node with other keys refuses to start', async () => {
      const url = await pg.newDatabase();
      const [dirA, dirB, dirC] = await Promise.all([tempDir(), tempDir(), tempDir()]);
      const a = await startNode(url, dirA);
      try {
        assert.ok(a.initialAdminToken !== undefined, 'the first node makes the token');
        await cp(join(dirA, 'keys'), join(dirB, 'keys'), { recursive: true });
        const b = await startNode(url, dirB);
        try {
          assert.equal(b.initialAdminToken, undefined, 'once per database');
          const status = await fetch(`${b.url}/api/v1/status`, {
            headers: { authorization: `Bearer ${a.initialAdminToken}` },
          });
          assert.equal(status.status, 200, "node B accepts node A's admin token");
          assert.equal(((await status.json()) as { storage: string }).storage, 'postgres');
        } finally {
          await b.close();
        }
        const error = await rejectsWith(startNode(url, dirC), 'KEYSET_MISMATCH');
        assert.match(error.message, /snapshot, timestamp, log/);
      } finally {
        await a.close();
      }
    });
  });
}
