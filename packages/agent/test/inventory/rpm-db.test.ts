/**
 * The rpm collector against a real rpm database: packages built with rpmbuild, installed with
 * rpm --root, read back with rpm -qa --queryformat; and the parser on hand-written output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPackageInventory } from '../../src/inventory/collect.js';
import { parseRpmQuery, readRpmDb } from '../../src/inventory/rpm-db.js';
import { sandbox } from '../install/helpers.js';
import { TEST_DB_PATH, buildRpm, initRpmRoot, rpmIn, rpmToolsMissing } from '../rpm-build.js';

const MISSING = await rpmToolsMissing();

test('the query output parses; gpg-pubkey is left out; bad lines are warnings', () => {
  const text = [
    'openssl-libs\t1\t3.0.7\t24.el9\tx86_64\topenssl-3.0.7-24.el9.src.rpm',
    'bash\t\t5.1.8\t6.el9_1\tx86_64\tbash-5.1.8-6.el9_1.src.rpm',
    'gpg-pubkey\t\tfd431d51\t4ae0493b\t(none)\t(none)',
    'short\tline',
    'badepoch\tx\t1\t1\tnoarch\t(none)',
    '',
  ].join('\n');
  const { packages, warnings } = parseRpmQuery(text, 'rpm -qa');
  assert.deepEqual(packages, [
    {
      name: 'openssl-libs',
      epoch: '1',
      version: '3.0.7',
      release: '24.el9',
      arch: 'x86_64',
      sourceRpm: 'openssl-3.0.7-24.el9.src.rpm',
    },
    {
      name: 'bash',
      version: '5.1.8',
      release: '6.el9_1',
      arch: 'x86_64',
      sourceRpm: 'bash-5.1.8-6.el9_1.src.rpm',
    },
  ]);
  assert.deepEqual(
    warnings.map((w) => w.reason),
    ['malformed rpm query line "short\\tline"', 'badepoch: malformed epoch "x"'],
  );
});

test('no rpm command: no packages and no warning', async () => {
  const db = await readRpmDb({ command: '/nonexistent/rpm', dbPath: '/var/lib/rpm' });
  assert.deepEqual(db, { packages: [], warnings: [], failed: false });
});

test('without options, rpm is run only on a standard database that exists', async (t) => {
  const standard = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];
  const files = ['rpmdb.sqlite', 'Packages', 'Packages.db'];
  const present = standard.some((dir) => files.some((f) => existsSync(join(dir, f))));
  if (present) {
    t.skip('this host has an rpm database at a standard place: nothing to show');
    return;
  }
  const home = await mkdtemp(join(tmpdir(), 'patchcast-rpm-home-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const saved = process.env['HOME'];
  process.env['HOME'] = home;
  try {
    assert.deepEqual(await readRpmDb(), { packages: [], warnings: [], failed: false });
  } finally {
    process.env['HOME'] = saved;
  }
  assert.deepEqual(await readdir(home), [], 'rpm created no database in $HOME');
});

test(
  'an RPM root: packages from rpm -qa with epochs, and the OS from its os-release',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    await initRpmRoot(box.root);
    const built = [
      await buildRpm(box.base, {
        name: 'pc-a',
        version: '1.0~rc1',
        release: '1.el9',
        epoch: '2',
        files: { '/opt/a': 'a' },
      }),
      await buildRpm(box.base, {
        name: 'pc-b',
        version: '2.0^git1',
        release: '3.el9_3',
        files: { '/opt/b': 'b' },
      }),
    ];
    await rpmIn(box.root, ['-i', ...built]);
    await mkdir(join(box.root, 'etc'), { recursive: true });
    await writeFile(
      join(box.root, 'etc/os-release'),
      'NAME="AlmaLinux"\nVERSION="9.3 (Shamrock Pampas Cat)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n',
    );
    const { inventory, warnings } = await collectPackageInventory({
      dpkgStatusPath: join(box.root, 'var/lib/dpkg/status'),
      osReleasePaths: [join(box.root, 'etc/os-release')],
      rpm: { root: box.root, dbPath: TEST_DB_PATH },
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(inventory.os, {
      id: 'almalinux',
      versionId: '9.3',
      versionCodename: undefined,
      prettyName: undefined,
      idLike: ['rhel', 'centos', 'fedora'],
    });
    assert.deepEqual(
      [...(inventory.rpm ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
      [
        {
          name: 'pc-a',
          epoch: '2',
          version: '1.0~rc1',
          release: '1.el9',
          arch: 'noarch',
          sourceRpm: 'pc-a-1.0~rc1-1.el9.src.rpm',
        },
        {
          name: 'pc-b',
          version: '2.0^git1',
          release: '3.el9_3',
          arch: 'noarch',
          sourceRpm: 'pc-b-2.0^git1-3.el9_3.src.rpm',
        },
      ],
    );
    assert.deepEqual(inventory.dpkg, []);
  },
);

test(
  'a database rpm cannot read keeps the last inventory, with a warning',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    const broken = join(box.root, 'db');
    await mkdir(broken);
    await writeFile(join(broken, 'rpmdb.sqlite'), 'this is not sqlite');
    const previous = {
      format: 'patchcast-inventory/v1' as const,
      collectedAt: '2026-01-01T00:00:00.000Z',
      os: null,
      kernel: null,
      dpkg: [],
      rpm: [{ name: 'kept', version: '1', release: '1', arch: 'noarch' }],
      npm: [],
    };
    const { inventory, warnings } = await collectPackageInventory({
      dpkgStatusPath: '/nonexistent/status',
      osReleasePaths: [],
      rpm: { dbPath: broken },
      previous,
    });
    assert.deepEqual(inventory.rpm, previous.rpm);
    assert.match(warnings[0]?.reason ?? '', /^failed: /);
    assert.equal(warnings[1]?.reason, 'kept its 1 entries from the last inventory');
  },
);

test('an empty rpm database gives no rpm field at all', { skip: MISSING }, async (t) => {
  const box = await sandbox(t);
  await initRpmRoot(box.root);
  const { inventory, warnings } = await collectPackageInventory({
    dpkgStatusPath: '/nonexistent/status',
    osReleasePaths: [],
    rpm: { root: box.root, dbPath: TEST_DB_PATH },
  });
  assert.deepEqual(warnings, []);
  assert.equal('rpm' in inventory, false);
});
