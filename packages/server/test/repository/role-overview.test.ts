/**
 * The repository's roles as `GET /api/v1/repository/roles` lists them: root's four roles with
 * their keys and expiry, and warnings only for roles signed with offline keys whose metadata
 * expires within 30 days (targets lasts 90 days by default, root 365).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/main.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { repositoryRoles } from '../../src/features/repository/role-overview.js';
import { readView } from '../../src/features/repository/repository-view.js';

const DAY_MS = 24 * 3600_000;

describe('repository roles and their expiry warnings', () => {
  let dir: string;
  let store: SqliteStore;
  let started: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchcast-roles-'));
    started = Date.now();
    const server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    await server.close();
    store = new SqliteStore(join(dir, 'patchcast.db'));
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const warnings = async (daysAhead: number) =>
    Object.fromEntries(
      repositoryRoles(await readView(store), new Date(started + daysAhead * DAY_MS)).roles.map(
        (r) => [r.name, r.warning],
      ),
    );

  test('the four top-level roles with keys, a version and an expiry', async () => {
    const { roles, warningDays } = repositoryRoles(await readView(store), new Date(started));
    assert.equal(warningDays, 30);
    assert.deepEqual(
      roles.map((r) => [r.name, r.delegatedBy, r.online, r.version]),
      [
        ['root', null, false, 1],
        ['targets', null, false, 1],
        ['snapshot', null, true, 1],
        ['timestamp', null, true, 1],
      ],
    );
    for (const role of roles) {
      assert.ok(role.keys.keyids.length >= role.keys.threshold && role.keys.threshold >= 1);
      assert.ok(role.pqKeys !== undefined, `${role.name} is hybrid`);
      assert.ok(role.expires !== null && Date.parse(role.expires) > started);
    }
  });

  test('offline roles warn within 30 days of expiry and once expired; online ones never', async () => {
    const none = { root: null, targets: null, snapshot: null, timestamp: null };
    assert.deepEqual(await warnings(0), none);
    assert.deepEqual(await warnings(59), none);
    assert.deepEqual(await warnings(61), { ...none, targets: 'expires-soon' });
    assert.deepEqual(await warnings(91), { ...none, targets: 'expired' });
    assert.deepEqual(await warnings(366), { ...none, root: 'expired', targets: 'expired' });
  });
});
