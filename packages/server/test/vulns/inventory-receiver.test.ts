/**
 * Inventory updates as the server receives them, on a real SQLite store: full, diff, parts, and
 * hostile updates (malformed, mismatched parts, wrong base, wrong digest, oversized).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventoryDigest, inventoryUpdateParts } from '@patchcast/protocol';
import type { PackageInventory, ServerMessage } from '@patchcast/protocol';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { InventoryReceiver } from '../../src/features/vulns/inventory-receiver.js';

const NOW = new Date('2026-03-01T00:00:00.000Z');

function inventory(openssl: string, extra = 0): PackageInventory {
  const dpkg = [
    {
      name: 'openssl',
      version: openssl,
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: openssl,
      status: 'installed' as const,
    },
    ...Array.from({ length: extra }, (_, i) => ({
      name: `pkg-${i}`,
      version: '1.0-1',
      architecture: 'amd64',
      source: `pkg-${i}`,
      sourceVersion: '1.0-1',
      status: 'installed' as const,
    })),
  ];
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: NOW.toISOString(),
    hostname: 'web-1',
    os: { id: 'debian', versionId: '12' },
    kernel: { release: '6.1.0' },
    dpkg,
    npm: [
      {
        name: 'lodash',
        version: '4.17.20',
        path: '/srv/app/package-lock.json#node_modules/lodash',
      },
    ],
  };
}

async function setup() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-inv-')), 's.db'));
  await store.createDevice({
    id: 'dev_a',
    name: 'web-1',
    publicKey: 'a'.repeat(64),
    labels: {},
    inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
    enrolledAt: NOW.toISOString(),
    lastSeenAt: null,
    lastTimestampVersion: 0,
  });
  const changed: string[] = [];
  const receiver = new InventoryReceiver({
    store: store.vulns,
    now: () => NOW,
    changed: (id) => {
      changed.push(id);
      return Promise.resolve();
    },
  });
  return { store, receiver, changed };
}

async function sendAll(
  receiver: InventoryReceiver,
  parts: readonly unknown[],
): Promise<(ServerMessage | undefined)[]> {
  const answers = [];
  for (const part of parts) answers.push(await receiver.receive('dev_a', part));
  return answers;
}

test('a full inventory in several parts, then a diff, are stored with their digests', async () => {
  const { store, receiver, changed } = await setup();
  try {
    const first = inventory('3.0.11-1~deb12u1', 3000);
    const parts = inventoryUpdateParts({
      updateId: 'update-1',
      base: undefined,
      next: first,
      partBytes: 64 * 1024,
    });
    assert.ok(parts.length > 1, 'split into parts');
    const answers = await sendAll(receiver, parts);
    assert.deepEqual(answers.slice(0, -1), Array(parts.length - 1).fill(undefined));
    assert.deepEqual(answers.at(-1), {
      type: 'inventory-ack',
      updateId: 'update-1',
      digest: inventoryDigest(first),
    });
    assert.equal((await store.vulns.getInventory('dev_a'))?.digest, inventoryDigest(first));

    const second = inventory('3.0.11-1~deb12u2', 2999);
    const diff = inventoryUpdateParts({ updateId: 'update-2', base: first, next: second });
    assert.equal(diff.length, 1);
    assert.equal(diff[0]?.add.dpkg.length, 1, 'only the changed package is sent');
    assert.deepEqual(diff[0]?.remove.dpkg, ['pkg-2999:amd64']);
    const [ack] = await sendAll(receiver, diff);
    assert.equal(ack?.type, 'inventory-ack');
    const stored = JSON.parse(
      (await store.vulns.getInventory('dev_a'))?.json ?? '{}',
    ) as PackageInventory;
    assert.equal(stored.dpkg.find((p) => p.name === 'openssl')?.version, '3.0.11-1~deb12u2');
    assert.equal(stored.dpkg.length, 3000);
    assert.deepEqual(changed, ['dev_a', 'dev_a']);
  } finally {
    await store.close();
  }
});

test('hostile updates answer inventory-resync with a precise reason and store nothing', async () => {
  const { store, receiver, changed } = await setup();
  try {
    const good = inventory('3.0.11-1~deb12u1');
    const [part] = inventoryUpdateParts({ updateId: 'update-1', base: undefined, next: good });
    assert.ok(part !== undefined);
    const cases: [unknown, string, RegExp][] = [
      ['not an object', 'INVENTORY_INVALID', /inventory update/],
      [{ ...part, extra: 1 }, 'INVENTORY_INVALID', /Unrecognized key/],
      [{ ...part, part: 1, parts: 1 }, 'INVENTORY_INVALID', /part is not below parts/],
      [{ ...part, digest: 'f'.repeat(64) }, 'INVENTORY_INVALID', /does not have its digest/],
      [{ ...part, base: 'e'.repeat(64) }, 'CONFLICT', /which the server does not have/],
      [
        { ...part, add: { dpkg: [{ ...good.dpkg[0], status: 'config-files' }], npm: [] } },
        'INVENTORY_INVALID',
        /add\.dpkg\.0\.status/,
      ],
      [{ ...part, head: { ...part.head, format: 'v0' } }, 'INVENTORY_INVALID', /head\.format/],
    ];
    for (const [update, code, message] of cases) {
      const answer = await receiver.receive('dev_a', update);
      assert.equal(answer?.type, 'inventory-resync', JSON.stringify(update).slice(0, 80));
      if (answer?.type !== 'inventory-resync') continue;
      assert.equal(answer.code, code);
      assert.match(answer.message, message);
    }
    const two = inventoryUpdateParts({
      updateId: 'update-2',
      base: undefined,
      next: inventory('1', 2000),
      partBytes: 32 * 1024,
    });
    assert.equal(await receiver.receive('dev_a', two[0]), undefined);
    const mixed = await receiver.receive('dev_a', { ...two[1], parts: 99 });
    assert.equal(
      mixed?.type === 'inventory-resync' && mixed.message.includes('parts disagree'),
      true,
    );
    assert.equal(await store.vulns.getInventory('dev_a'), undefined);
    assert.deepEqual(changed, []);
  } finally {
    await store.close();
  }
});

test('an rpm inventory in parts, then a kernel update as a diff, is stored by NEVRA', async () => {
  const { store, receiver } = await setup();
  try {
    const kernel = (release: string) => ({
      name: 'kernel-core',
      version: '5.14.0',
      release,
      arch: 'x86_64',
    });
    const others = Array.from({ length: 500 }, (_, i) => ({ ...kernel('1.el9'), name: `p-${i}` }));
    const alma = (rpm: ReturnType<typeof kernel>[]): PackageInventory => ({
      ...inventory('1.0-1'),
      os: { id: 'almalinux', versionId: '9.3' },
      dpkg: [],
      rpm,
      pypi: [{ name: 'pip', version: '23.2.1', path: '/srv/venv/pip-23.2.1.dist-info' }],
    });
    const first = alma([...others, kernel('362.8.1.el9_3')]);
    const parts = inventoryUpdateParts({
      updateId: 'rpm-update-1',
      base: undefined,
      next: first,
      partBytes: 8192,
    });
    assert.ok(parts.length > 1, 'split into parts');
    const answers = await sendAll(receiver, parts);
    assert.equal(answers.at(-1)?.type, 'inventory-ack', JSON.stringify(answers.at(-1)));
    const second = alma([...others, kernel('362.8.1.el9_3'), kernel('362.13.1.el9_3')]);
    const diff = inventoryUpdateParts({ updateId: 'rpm-update-2', base: first, next: second });
    assert.deepEqual(diff[0]?.add.rpm, [kernel('362.13.1.el9_3')]);
    const [ack] = await sendAll(receiver, diff);
    assert.deepEqual(ack, {
      type: 'inventory-ack',
      updateId: 'rpm-update-2',
      digest: inventoryDigest(second),
    });
    const stored = JSON.parse(
      (await store.vulns.getInventory('dev_a'))?.json ?? '{}',
    ) as PackageInventory;
    assert.equal(stored.rpm?.filter((p) => p.name === 'kernel-core').length, 2);
    assert.equal(stored.rpm?.length, 502);
    assert.deepEqual(
      stored.pypi?.map((p) => p.name),
      ['pip'],
    );
  } finally {
    await store.close();
  }
});
