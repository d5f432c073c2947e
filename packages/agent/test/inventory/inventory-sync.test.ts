/**
 * The agent's inventory sync against a small fake server built from the protocol's own diff
 * functions: full first, then diffs, resync after the server loses its copy, and the config file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { applyInventoryDiff, inventoryDigest, parseInventoryUpdatePart } from '@patchcast/protocol';
import type { AgentMessage, PackageInventory, ServerMessage } from '@patchcast/protocol';
import { PackageInventorySync, readInventoryConfig } from '../../src/inventory/index.js';

function inventory(versions: Record<string, string>): PackageInventory {
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: new Date().toISOString(),
    os: { id: 'debian', versionId: '12' },
    kernel: null,
    dpkg: Object.entries(versions).map(([name, version]) => ({
      name,
      version,
      architecture: 'amd64',
      source: name,
      sourceVersion: version,
      status: 'installed' as const,
    })),
    npm: [],
  };
}

/** Holds one inventory per digest check, as the real server does (single-part updates only). */
class FakeServer {
  stored: PackageInventory | undefined;
  readonly received: { base: string | null; adds: number; removes: number }[] = [];

  answer(message: AgentMessage): ServerMessage {
    assert.equal(message.type, 'package-inventory');
    const part = parseInventoryUpdatePart((message as { update: unknown }).update);
    this.received.push({
      base: part.base,
      adds: part.add.dpkg.length,
      removes: part.remove.dpkg.length,
    });
    const have = this.stored === undefined ? null : inventoryDigest(this.stored);
    if (part.base !== null && part.base !== have)
      return {
        type: 'inventory-resync',
        updateId: part.updateId,
        code: 'CONFLICT',
        message: 'unknown base',
      };
    const next = applyInventoryDiff(part.base === null ? undefined : this.stored, part.head, part);
    assert.equal(inventoryDigest(next), part.digest);
    this.stored = next;
    return { type: 'inventory-ack', updateId: part.updateId, digest: part.digest };
  }
}

async function setup(current: { value: PackageInventory }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'patchcast-sync-'));
  const server = new FakeServer();
  const replies: ServerMessage[] = [];
  const sync = new PackageInventorySync({
    dataDir,
    collect: () => Promise.resolve(current.value),
    send: (message) => {
      replies.push(server.answer(message));
      return true;
    },
    log: () => undefined,
  });
  await sync.load();
  return { dataDir, server, sync, replies };
}

test('full first, then diffs; after the server loses its copy, full again', async () => {
  const current = { value: inventory({ openssl: '3.0.11-1~deb12u1', bash: '5.2.15-2' }) };
  const { dataDir, server, sync, replies } = await setup(current);
  const deliver = async () => {
    await sync.sync();
    for (let reply = replies.shift(); reply !== undefined; reply = replies.shift()) {
      sync.onServerMessage(reply);
      await sync.idle();
    }
  };
  await deliver();
  assert.deepEqual(server.received[0], { base: null, adds: 2, removes: 0 });
  current.value = inventory({ openssl: '3.0.11-1~deb12u2' });
  await deliver();
  const diff = server.received.at(-1);
  assert.ok(diff?.base !== null, 'a diff from the acknowledged inventory');
  assert.equal(diff?.adds, 1);
  assert.equal(diff?.removes, 1);
  assert.equal(inventoryDigest(server.stored ?? current.value), inventoryDigest(current.value));
  const saved = JSON.parse(await readFile(join(dataDir, 'package-inventory.json'), 'utf8')) as {
    digest: string;
  };
  assert.equal(
    saved.digest,
    inventoryDigest(current.value),
    'the acknowledged base is kept on disk',
  );

  server.stored = undefined;
  const before = server.received.length;
  await deliver();
  assert.ok(server.received.length >= before + 2, 'a refused diff is followed by a full inventory');
  assert.equal(server.received.at(-1)?.base, null);
  assert.equal(inventoryDigest(server.stored ?? inventory({})), inventoryDigest(current.value));
});

test('inventory.json: defaults without it, CONFIG_INVALID naming the field otherwise', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-invcfg-'));
  const defaults = await readInventoryConfig(dir);
  assert.equal(defaults.enabled, true);
  assert.equal(defaults.intervalSeconds, 3600);
  await writeFile(
    join(dir, 'inventory.json'),
    JSON.stringify({
      npmLockfiles: ['/a'],
      intervalSeconds: 60,
      rpmRoot: '/srv/el9',
      rpmDbPath: '/var/lib/rpm',
    }),
  );
  const custom = await readInventoryConfig(dir);
  assert.deepEqual(custom.collect.npmLockfiles, ['/a']);
  assert.deepEqual(custom.collect.rpm, { root: '/srv/el9', dbPath: '/var/lib/rpm' });
  assert.equal(custom.intervalSeconds, 60);
  for (const [text, reason] of [
    ['{"dpkgstatus": "/x"}', /unknown field "dpkgstatus"/],
    ['{"npmLockfiles": "/a"}', /npmLockfiles must be an array of paths/],
    ['{"intervalSeconds": 0}', /intervalSeconds must be a whole number/],
    ['{"rpmRoot": ""}', /rpmRoot must be a path/],
    ['{"rpmDbPath": 7}', /rpmDbPath must be a path/],
    ['[1]', /must be an object/],
    ['{', /not JSON/],
  ] as const) {
    await writeFile(join(dir, 'inventory.json'), text);
    await assert.rejects(readInventoryConfig(dir), (e: unknown) => {
      assert.ok(e instanceof PatchcastError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, reason);
      return true;
    });
  }
});
