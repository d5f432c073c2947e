import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { buildBundle } from '@patchcast/protocol';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import type { CliResult } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { canonical, rawTar, sha256 } from './raw-tar.js';
import { snapshot, writeTree } from './tree.js';

const OLD = { 'etc/app.conf': { content: 'old\n', mode: 0o640 }, 'bin/tool': 'v1\n' };

/**
 * The install engine behind `patchcast apply`, fed bare bundles through the explicit --unsigned
 * escape hatch (verification of signed offline bundles: offline.test.ts).
 */
describe('patchcast apply installs bundle files offline', () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await Harness.create();
  });
  after(() => h.close());

  async function box(): Promise<{ root: string; state: string; dir: string }> {
    const dir = join(h.dir, `case-${++n}`);
    await mkdir(join(dir, 'root'), { recursive: true });
    await writeTree(join(dir, 'root'), OLD);
    return { dir, root: join(dir, 'root'), state: join(dir, 'state') };
  }

  async function bundle(dir: string, version: string, config?: Record<string, unknown>) {
    const source = await writePatchSource(
      join(dir, `src-${version}`),
      { 'etc/app.conf': `new ${version}\n`, 'opt/app/run': 'run\n' },
      config,
    );
    const out = join(dir, `app-${version}.tar`);
    const made = await h.cli([
      'bundle',
      source,
      '--name',
      'app',
      '--version',
      version,
      '--out',
      out,
    ]);
    assert.equal(made.code, 0, made.stderr);
    return out;
  }

  /** One error line, first but for the WARNING line every --unsigned install prints. */
  function expectError(result: CliResult, code: string, exit = 1): void {
    assert.equal(result.code, exit, result.stderr);
    const stderr = result.stderr.replace(/^WARNING: installing .* UNSIGNED: .*\n/, '');
    assert.match(stderr, new RegExp(`^error\\[${code}\\]: `));
    assert.equal(result.stderr.split('\n').filter((line) => line.startsWith('error')).length, 1);
  }

  test('a bundle from `patchcast bundle` installs; --json reports it', async () => {
    const b = await box();
    const file = await bundle(b.dir, '2.0.0');
    const args = ['apply', '--unsigned', file, '--root', b.root, '--state', b.state, '--json'];
    const result = await h.cli(args);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { status: string; patch: { version: string } };
    assert.equal(report.status, 'installed');
    assert.equal(report.patch.version, '2.0.0');
    assert.equal(await readFile(join(b.root, 'etc/app.conf'), 'utf8'), 'new 2.0.0\n');
    assert.equal(await readFile(join(b.root, 'opt/app/run'), 'utf8'), 'run\n');
    assert.deepEqual(await readdir(join(b.state, 'tx')), []);
    const human = await h.cli(['apply', '--unsigned', file, '--root', b.root, '--state', b.state]);
    assert.match(human.stdout, /^installed app@2\.0\.0 into .* \(UNSIGNED; /);
    assert.match(
      human.stderr,
      /^WARNING: installing app@2\.0\.0 from .* UNSIGNED: no signature or log/,
    );
  });

  test('a failing health check rolls back exactly and exits 1 with its code', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const file = await bundle(b.dir, '3.0.0', { health: { command: 'echo sick; exit 4' } });
    const result = await h.cli([
      'apply',
      '--unsigned',
      file,
      '--root',
      b.root,
      '--state',
      b.state,
      '--json',
    ]);
    expectError(result, 'HEALTH_CHECK_FAILED');
    const json = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    assert.equal(json.error.code, 'HEALTH_CHECK_FAILED');
    assert.match(json.error.message, /app@3\.0\.0 rolled back: .*status 4: sick/);
    assert.deepEqual(await snapshot(b.root), before);
  });

  test('patchcast.json symlinks and probes: a failing probe rolls back and is named', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const probes = (contains: string) => ({
      deadlineMs: 300,
      intervalMs: 50,
      checks: [
        { kind: 'file', name: 'conf-link', path: 'etc/current.conf', contains },
        { kind: 'process', name: 'true', command: ['/bin/true'], timeoutMs: 5000 },
      ],
    });
    const symlinks = [{ path: 'etc/current.conf', target: 'app.conf' }];
    const sick = await bundle(b.dir, '7.0.0', { symlinks, probes: probes('version 8') });
    const refused = await h.cli([
      'apply',
      '--unsigned',
      sick,
      '--root',
      b.root,
      '--state',
      b.state,
    ]);
    expectError(refused, 'HEALTH_CHECK_FAILED');
    assert.match(
      refused.stderr,
      /health probe "conf-link" failed: etc\/current\.conf does not contain "version 8"/,
    );
    assert.deepEqual(await snapshot(b.root), before);
    const fine = await bundle(b.dir, '8.0.0', { symlinks, probes: probes('new 8.0.0') });
    const installed = await h.cli([
      'apply',
      '--unsigned',
      fine,
      '--root',
      b.root,
      '--state',
      b.state,
    ]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(await readFile(join(b.root, 'etc/current.conf'), 'utf8'), 'new 8.0.0\n');
    const escaping = join(b.dir, 'src-escape');
    const made = await h.cli([
      'bundle',
      await writePatchSource(
        escaping,
        { a: 'a' },
        { symlinks: [{ path: 'l', target: '../../etc/passwd' }] },
      ),
      '--name',
      'x',
      '--version',
      '1',
      '--out',
      join(b.dir, 'x.tar'),
    ]);
    expectError(made, 'BUNDLE_SOURCE_INVALID');
    assert.match(
      made.stderr,
      /symlinks\[0\]\.target "\.\.\/\.\.\/etc\/passwd" escapes the managed root/,
    );
  });

  test('malformed bytes, path traversal and a missing file are refused before the root is touched', async () => {
    const b = await box();
    const before = await snapshot(b.root);
    const garbage = join(b.dir, 'garbage.tar');
    await writeFile(garbage, 'this is not a tar archive at all'.repeat(40));
    const run = (file: string) =>
      h.cli(['apply', '--unsigned', file, '--root', b.root, '--state', b.state]);
    expectError(await run(garbage), 'BUNDLE_MALFORMED');
    const evil = new TextEncoder().encode('owned\n');
    const manifest = {
      format: 'patchcast-bundle/v1',
      name: 'evil',
      version: '1',
      files: [{ path: '../escaped.txt', mode: 0o644, sha256: sha256(evil), size: evil.length }],
    };
    const traversal = join(b.dir, 'evil.tar');
    await writeFile(
      traversal,
      rawTar([
        { name: 'manifest.json', data: canonical(manifest) },
        { name: `blobs/${sha256(evil)}`, data: evil },
      ]),
    );
    const refused = await run(traversal);
    expectError(refused, 'BUNDLE_PATH_UNSAFE');
    assert.match(refused.stderr, /files\[0\]\.path "\.\.\/escaped\.txt" has a "\.\." segment/);
    expectError(await run(join(b.dir, 'no-such.tar')), 'NOT_FOUND');
    expectError(await run(b.dir), 'INVALID_INPUT');
    assert.deepEqual(await snapshot(b.root), before);
    assert.deepEqual(await readdir(b.dir).then((names) => names.includes('escaped.txt')), false);
  });

  test('a symbolic link in the root is never written through', async () => {
    const b = await box();
    const outside = join(b.dir, 'outside');
    await mkdir(outside);
    await writeTree(b.root, { opt: { link: outside } });
    const file = await bundle(b.dir, '4.0.0');
    const result = await h.cli(['apply', '--unsigned', file, '--root', b.root, '--state', b.state]);
    expectError(result, 'BUNDLE_PATH_UNSAFE');
    assert.deepEqual(await readdir(outside), []);
  });

  test('setuid files are refused unless --allow-special-modes says the local policy allows them', async () => {
    const b = await box();
    const content = new TextEncoder().encode('#!/bin/sh\n');
    const file = join(b.dir, 'suid.tar');
    const input = {
      name: 'suid',
      version: '1',
      files: [{ path: 'bin/su', mode: 0o4755, content }],
    };
    await writeFile(file, buildBundle(input, { allowSpecialModes: true }));
    const refused = await h.cli([
      'apply',
      '--unsigned',
      file,
      '--root',
      b.root,
      '--state',
      b.state,
    ]);
    expectError(refused, 'BUNDLE_PATH_UNSAFE');
    assert.match(refused.stderr, /sets setuid, setgid or sticky bits/);
    const args = [
      'apply',
      '--unsigned',
      file,
      '--root',
      b.root,
      '--state',
      b.state,
      '--allow-special-modes',
    ];
    const allowed = await h.cli(args);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal((await stat(join(b.root, 'bin/su'))).mode & 0o7777, 0o4755);
  });

  test('a state folder locked by a live process is INSTALL_BUSY', async () => {
    const b = await box();
    const file = await bundle(b.dir, '5.0.0');
    await mkdir(b.state);
    await writeFile(join(b.state, 'install.lock'), `${process.pid}\n`);
    const busy = await h.cli(['apply', '--unsigned', file, '--root', b.root, '--state', b.state]);
    expectError(busy, 'INSTALL_BUSY');
    assert.match(busy.stderr, new RegExp(`pid ${process.pid}`));
    assert.equal(await readFile(join(b.root, 'etc/app.conf'), 'utf8'), 'old\n');
  });

  test('usage errors exit 2; --recover with nothing to do is a no-op', async () => {
    const b = await box();
    expectError(await h.cli(['apply', 'x.tar', '--state', b.state]), 'USAGE', 2);
    expectError(await h.cli(['apply', '--root', b.root, '--state', b.state]), 'USAGE', 2);
    const both = ['apply', 'x.tar', '--recover', '--root', b.root, '--state', b.state];
    expectError(await h.cli(both), 'USAGE', 2);
    const recover = await h.cli([
      'apply',
      '--recover',
      '--root',
      b.root,
      '--state',
      b.state,
      '--json',
    ]);
    assert.equal(recover.code, 0, recover.stderr);
    assert.deepEqual(JSON.parse(recover.stdout), { recovered: 0, action: 'none' });
    const missingRoot = join(b.dir, 'nope');
    const bad = await h.cli([
      'apply',
      '--unsigned',
      await bundle(b.dir, '6.0.0'),
      '--root',
      missingRoot,
      '--state',
      b.state,
    ]);
    expectError(bad, 'INSTALL_FAILED');
  });
});
