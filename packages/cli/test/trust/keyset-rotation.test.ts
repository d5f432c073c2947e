/**
 * The key set every node must hold follows the root in force, with real processes: a root
 * ceremony rotates the timestamp role to two keys in keys/online/ (threshold 1); the server
 * restarts without KEYSET_MISMATCH and keeps serving; a node that holds only one of them could
 * still meet the threshold, yet signs with other keys than the database recorded when the root
 * was admitted, so it refuses to start with KEYSET_MISMATCH; with both keys back it starts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustFleet } from './fleet.js';
import { ok, serverKey } from './trust-helpers.js';

describe('the recorded key set follows a rotation of online keys', () => {
  let fleet: TrustFleet;

  before(async () => {
    fleet = await TrustFleet.start();
  });
  after(() => fleet.close());

  test('rotation into keys/online/, restart: the server starts and an agent installs the next patch', async () => {
    const { h } = fleet;
    await fleet.expectInstalled(await fleet.publish('before-rotation'));
    const online = join(h.dir, 'server/keys/online');
    await mkdir(online, { recursive: true });
    const keys = ['timestamp-2a.key', 'timestamp-2b.key'].map((n) => join(online, n));
    for (const key of keys) await ok(h, ['keys', 'generate', '--out', key]);
    const draft = join(h.dir, 'root-2.json');
    await ok(h, [
      'root',
      'init',
      ...keys.flatMap((k) => ['--timestamp-key', `${k}.pub`]),
      '--timestamp-threshold',
      '1',
      '--out',
      draft,
    ]);
    await ok(h, ['root', 'sign', draft, '--key', serverKey(h, 'root')]);
    const published = await h.cliJson<{ root: number }>(['root', 'publish', draft]);
    assert.equal(published.root, 2);
    await fleet.restartServer();
    await fleet.expectInstalled(await fleet.publish('after-restart'));
  });

  test('a node holding other online keys than those recorded for the root in force refuses to start', async () => {
    const { h } = fleet;
    const key = join(h.dir, 'server/keys/online/timestamp-2b.key');
    const aside = join(h.dir, 'timestamp-2b.key.aside');
    await fleet.server?.stop();
    await rename(key, aside);
    const dataDir = join(h.dir, 'server');
    await assert.rejects(
      h.start(['server', '--data', dataDir, '--listen', '127.0.0.1:0'], /listening on /),
      /error\[KEYSET_MISMATCH\]: this node's timestamp key\(s\) differ from those the database recorded for root v2/,
    );
    await rename(aside, key);
    await fleet.restartServer();
    await fleet.expectInstalled(await fleet.publish('after-keys-back'));
  });
});
