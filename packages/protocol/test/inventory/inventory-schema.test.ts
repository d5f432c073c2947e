/** The inventory contract: valid documents parse; bad ones fail naming the field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '@patchcast/core';
import { INVENTORY_FORMAT, parsePackageInventory } from '../../src/inventory/index.js';

const VALID = {
  format: INVENTORY_FORMAT,
  collectedAt: '2025-03-01T12:00:00.000Z',
  hostname: 'web-1',
  os: {
    id: 'debian',
    versionId: '12',
    versionCodename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
  },
  kernel: { release: '6.1.0-18-amd64' },
  dpkg: [
    {
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u2',
      status: 'installed',
    },
  ],
  npm: [
    {
      name: 'lodash',
      version: '4.17.21',
      path: '/srv/app/package-lock.json#node_modules/lodash',
      dev: false,
    },
  ],
};

function rejects(value: unknown, message: RegExp): void {
  assert.throws(
    () => parsePackageInventory(value),
    (e: unknown) =>
      e instanceof PatchcastError && e.code === 'INVALID_INPUT' && message.test(e.message),
  );
}

test('a complete inventory parses unchanged', () => {
  assert.deepEqual(parsePackageInventory(VALID), VALID);
});

test('os and kernel may be null (no os-release, kernel unknown)', () => {
  assert.equal(parsePackageInventory({ ...VALID, os: null, kernel: null }).os, null);
});

test('bad documents fail naming the field', () => {
  rejects({ ...VALID, format: 'other' }, /^Not a Patchcast inventory at format:/);
  rejects({ ...VALID, collectedAt: 'yesterday' }, /at collectedAt:/);
  rejects(
    { ...VALID, dpkg: [{ ...VALID.dpkg[0], status: 'config-files' }] },
    /at dpkg\[0\]\.status:/,
  );
  rejects({ ...VALID, npm: [{ ...VALID.npm[0], version: '' }] }, /at npm\[0\]\.version:/);
  rejects({ ...VALID, extra: 1 }, /Not a Patchcast inventory/);
  rejects([], /Not a Patchcast inventory/);
});
