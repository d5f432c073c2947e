/** Optional rpm and pypi entries in the inventory: the contract, keys, digests, diffs and parts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalBytes, sha256Hex } from '@patchcast/core';
import {
  INVENTORY_FORMAT,
  applyInventoryDiff,
  diffInventory,
  inventoryDigest,
  inventoryUpdateParts,
  parsePackageInventory,
  rpmKey,
} from '../../src/inventory/index.js';
import type { PackageInventory, RpmPackage } from '../../src/inventory/index.js';

const KERNEL_A: RpmPackage = {
  name: 'kernel-core',
  version: '5.14.0',
  release: '362.8.1.el9_3',
  arch: 'x86_64',
  sourceRpm: 'kernel-5.14.0-362.8.1.el9_3.src.rpm',
};
const KERNEL_B: RpmPackage = { ...KERNEL_A, release: '362.13.1.el9_3' };
const OPENSSL: RpmPackage = {
  name: 'openssl-libs',
  epoch: '1',
  version: '3.0.7',
  release: '24.el9',
  arch: 'x86_64',
  sourceRpm: 'openssl-3.0.7-24.el9.src.rpm',
};

function alma(rpm: readonly RpmPackage[] | undefined): PackageInventory {
  return {
    format: INVENTORY_FORMAT,
    collectedAt: '2026-03-01T00:00:00.000Z',
    hostname: 'alma-1',
    os: { id: 'almalinux', versionId: '9.3', idLike: ['rhel', 'centos', 'fedora'] },
    kernel: { release: '5.14.0-362.13.1.el9_3.x86_64' },
    dpkg: [],
    ...(rpm === undefined ? {} : { rpm: [...rpm] }),
    npm: [],
  };
}

test('an inventory with rpm entries parses; a bad epoch or a missing arch is named', () => {
  assert.deepEqual(parsePackageInventory(alma([KERNEL_A, OPENSSL])).rpm, [KERNEL_A, OPENSSL]);
  assert.throws(
    () => parsePackageInventory(alma([{ ...OPENSSL, epoch: '(none)' }])),
    /at rpm\[0\]\.epoch: must be 1 to 10 digits/,
  );
  const noArch: Partial<RpmPackage> = { ...KERNEL_A };
  delete noArch.arch;
  assert.throws(() => parsePackageInventory(alma([noArch as RpmPackage])), /at rpm\[0\]\.arch/);
});

test('entries are keyed by NEVRA, so two installed kernels are two entries', () => {
  assert.equal(rpmKey(OPENSSL), 'openssl-libs-1:3.0.7-24.el9.x86_64');
  assert.equal(rpmKey(KERNEL_A), 'kernel-core-5.14.0-362.8.1.el9_3.x86_64');
  const diff = diffInventory(alma([KERNEL_A]), alma([KERNEL_A, KERNEL_B]));
  assert.deepEqual(diff.add.rpm, [KERNEL_B]);
  assert.equal(diff.remove.rpm, undefined, 'no rpm removals: the field is left out');
});

test('no rpm list and an empty one have the digest of the document without rpm', () => {
  const none = alma(undefined);
  const withoutTime: Partial<PackageInventory> = { ...none };
  delete withoutTime.collectedAt;
  assert.equal(inventoryDigest(none), sha256Hex(canonicalBytes(withoutTime)));
  assert.equal(inventoryDigest(alma([])), inventoryDigest(none));
  assert.notEqual(inventoryDigest(alma([KERNEL_A])), inventoryDigest(none));
  assert.equal(
    inventoryDigest(alma([OPENSSL, KERNEL_A])),
    inventoryDigest(alma([KERNEL_A, OPENSSL])),
  );
});

test('parts of a full rpm inventory, then a diff, rebuild the next inventory', () => {
  const many = Array.from({ length: 400 }, (_, i) => ({ ...KERNEL_A, name: `pkg-${i}` }));
  const first = alma([...many, KERNEL_A, OPENSSL]);
  const parts = inventoryUpdateParts({
    updateId: 'update-rpm-1',
    base: undefined,
    next: first,
    partBytes: 8192,
  });
  assert.ok(parts.length > 1, 'split into parts');
  const head = parts[0]?.head;
  assert.ok(head !== undefined);
  const rebuilt = parts.reduce<PackageInventory | undefined>(
    (base, p) => applyInventoryDiff(base, head, p),
    undefined,
  );
  assert.ok(rebuilt !== undefined);
  assert.equal(inventoryDigest(rebuilt), inventoryDigest(first));
  const second = alma([...many, KERNEL_B, OPENSSL]);
  const [diff, ...more] = inventoryUpdateParts({
    updateId: 'update-rpm-2',
    base: first,
    next: second,
  });
  assert.equal(more.length, 0);
  assert.deepEqual(diff?.add.rpm, [KERNEL_B]);
  assert.deepEqual(diff?.remove.rpm, [rpmKey(KERNEL_A)]);
  assert.ok(diff !== undefined);
  assert.equal(
    inventoryDigest(applyInventoryDiff(rebuilt, diff.head, diff)),
    inventoryDigest(second),
  );
});

test('removing every rpm package gives the inventory without rpm', () => {
  const diff = diffInventory(alma([KERNEL_A]), alma(undefined));
  const next = applyInventoryDiff(alma([KERNEL_A]), alma(undefined), diff);
  assert.equal(next.rpm, undefined);
  assert.equal(inventoryDigest(next), inventoryDigest(alma(undefined)));
});

test('pypi entries: keyed by path, omitted when empty, carried by diffs', () => {
  const requests = {
    name: 'requests',
    version: '2.31.0',
    path: '/srv/venv/lib/python3.11/site-packages/requests-2.31.0.dist-info',
  };
  const withPypi = (pypi: (typeof requests)[]): PackageInventory => ({ ...alma(undefined), pypi });
  assert.deepEqual(parsePackageInventory(withPypi([requests])).pypi, [requests]);
  assert.equal(inventoryDigest(withPypi([])), inventoryDigest(alma(undefined)));
  const next = withPypi([{ ...requests, version: '2.32.0' }]);
  const diff = diffInventory(withPypi([requests]), next);
  assert.deepEqual(diff.add.pypi, [{ ...requests, version: '2.32.0' }]);
  assert.equal(diff.remove.pypi, undefined);
  const applied = applyInventoryDiff(withPypi([requests]), next, diff);
  assert.equal(inventoryDigest(applied), inventoryDigest(next));
  const gone = diffInventory(next, alma(undefined));
  assert.deepEqual(gone.remove.pypi, [requests.path]);
  assert.equal(applyInventoryDiff(next, alma(undefined), gone).pypi, undefined);
});
