/**
 * The Python collector: Core metadata parsing, fixture site-packages with dist-info, egg-info and
 * broken entries, and a real virtual environment read back against importlib.metadata.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collectPackageInventory } from '../../src/inventory/collect.js';
import { parseCoreMetadata, pythonSitePackages } from '../../src/inventory/python-site.js';

const run = promisify(execFile);

test('Core metadata: Name and Version from the header block only', () => {
  const metadata = [
    'Metadata-Version: 2.1',
    'name: Django_Rest.Framework',
    'Version:   3.14.0  ',
    'Summary: a long summary',
    '        continued on the next line',
    'Classifier: Framework :: Django',
    '',
    'Name: not-this-one',
    'Version: 0',
  ].join('\r\n');
  assert.deepEqual(parseCoreMetadata(metadata), {
    name: 'Django_Rest.Framework',
    version: '3.14.0',
  });
  assert.equal(
    parseCoreMetadata('Metadata-Version: 2.1\nName: x\n'),
    'metadata has no Name or Version',
  );
  assert.equal(parseCoreMetadata('\nName: x\nVersion: 1\n'), 'metadata has no Name or Version');
  assert.deepEqual(parseCoreMetadata('Name: a\nName: b\nVersion: 1'), { name: 'a', version: '1' });
});

test('a site-packages folder: dist-info, egg-info folders and files; broken ones are warnings', async (t) => {
  const site = await mkdtemp(join(tmpdir(), 'patchcast-site-'));
  t.after(() => rm(site, { recursive: true, force: true }));
  const put = async (path: string, text: string) => {
    await mkdir(join(site, path, '..'), { recursive: true });
    await writeFile(join(site, path), text);
  };
  await put(
    'requests-2.31.0.dist-info/METADATA',
    'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n',
  );
  await put('PyYAML-6.0.1.dist-info/METADATA', 'Name: PyYAML\nVersion: 6.0.1\n');
  await put(
    'legacy-1.0-py3.11.egg-info/PKG-INFO',
    'Metadata-Version: 1.1\nName: legacy\nVersion: 1.0\n',
  );
  await put('flat-2.0.egg-info', 'Metadata-Version: 1.0\nName: flat\nVersion: 2.0\n');
  await put('broken-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: broken\n');
  await mkdir(join(site, 'nometa-1.0.dist-info'));
  await put('requests/__init__.py', '');
  const found = await pythonSitePackages(site);
  assert.deepEqual(
    found.packages.map((p) => [p.name, p.version, p.path.slice(site.length + 1)]),
    [
      ['PyYAML', '6.0.1', 'PyYAML-6.0.1.dist-info'],
      ['flat', '2.0', 'flat-2.0.egg-info'],
      ['legacy', '1.0', 'legacy-1.0-py3.11.egg-info'],
      ['requests', '2.31.0', 'requests-2.31.0.dist-info'],
    ],
  );
  assert.deepEqual(
    found.warnings.map((w) => [w.source.slice(site.length + 1), w.reason.replace(/ \(.*\)$/, '')]),
    [
      ['broken-1.0.dist-info/METADATA', 'metadata has no Name or Version'],
      ['nometa-1.0.dist-info/METADATA', 'unreadable'],
    ],
  );
  const missing = await pythonSitePackages(join(site, 'nope'));
  assert.deepEqual(
    missing.warnings.map((w) => w.reason),
    ['not a folder'],
  );
});

async function python(): Promise<string | undefined> {
  return run('python3', ['-c', 'import venv, ensurepip']).then(
    () => 'python3',
    () => undefined,
  );
}

test('a real virtual environment agrees with importlib.metadata', async (t) => {
  if ((await python()) === undefined) {
    t.skip(
      'python3 with venv and ensurepip is not installed: the virtual environment test did not run',
    );
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-venv-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const venv = join(dir, 'venv');
  await run('python3', ['-m', 'venv', venv]);
  const oracle = await run(join(venv, 'bin/python'), [
    '-c',
    'import importlib.metadata as m, json, sys, sysconfig\n' +
      'site = sysconfig.get_paths()["purelib"]\n' +
      'print(json.dumps(sorted([d.metadata["Name"], d.version] for d in m.distributions(path=[site]))))',
  ]);
  const expected = JSON.parse(oracle.stdout) as [string, string][];
  assert.ok(
    expected.some(([name]) => name === 'pip'),
    'ensurepip installed pip',
  );
  const { inventory, warnings } = await collectPackageInventory({
    dpkgStatusPath: '/nonexistent/status',
    osReleasePaths: [],
    rpm: false,
    pythonSites: [venv],
  });
  assert.deepEqual(warnings, []);
  const ours = (inventory.pypi ?? []).map((p) => [p.name, p.version]).sort();
  assert.deepEqual(ours, expected);
  for (const p of inventory.pypi ?? [])
    assert.match(p.path, /\/lib\/python3\.\d+\/site-packages\/.+\.dist-info$/);
});

test('no listed folders: no pypi field', async () => {
  const { inventory } = await collectPackageInventory({
    dpkgStatusPath: '/nonexistent/status',
    osReleasePaths: [],
    rpm: false,
  });
  assert.equal('pypi' in inventory, false);
});
