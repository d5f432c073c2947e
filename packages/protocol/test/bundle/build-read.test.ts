import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, sha256Hex, utf8 } from '@patchcast/core';
import { buildBundle, buildManifest, readBundle } from '../../src/bundle/index.js';
import type { BundleInput } from '../../src/bundle/index.js';
import { readTar } from '../../src/bundle/tar-reader.js';

const input: BundleInput = {
  name: 'demo-patch',
  version: '1.0.0',
  files: [
    { path: 'etc/app/config.txt', mode: 0o644, content: utf8('key=value\n') },
    { path: 'bin/tool', mode: 0o755, content: utf8('#!/bin/sh\necho hi\n') },
    { path: 'etc/app/copy.txt', mode: 0o600, content: utf8('key=value\n') },
    { path: 'empty', mode: 0o644, content: new Uint8Array() },
  ],
  removals: ['old/z.txt', 'old/a.txt'],
  hooks: { postInstall: { command: ['/bin/sh', '-c', 'true'], timeoutMs: 60_000 } },
  health: { command: ['/bin/true'], timeoutMs: 30_000 },
  fixes: [
    {
      advisories: ['CVE-2024-0001'],
      package: 'openssl',
      ecosystem: 'Debian:12',
      fixedVersion: '3.0.15-1~deb12u1',
    },
  ],
};

test('the same input gives the same bytes, whatever the order of files and removals', () => {
  const shuffled = {
    ...input,
    files: [...input.files].reverse(),
    removals: [...(input.removals ?? [])].reverse(),
  };
  assert.deepEqual(buildBundle(input), buildBundle(input));
  assert.deepEqual(buildBundle(shuffled), buildBundle(input));
});

test('round trip: manifest and blobs come back as built', () => {
  const parsed = readBundle(buildBundle(input));
  assert.deepEqual(parsed.manifest, buildManifest(input));
  assert.deepEqual(
    parsed.manifest.files.map((file) => file.path),
    ['bin/tool', 'empty', 'etc/app/config.txt', 'etc/app/copy.txt'],
  );
  assert.deepEqual(parsed.manifest.removals, ['old/a.txt', 'old/z.txt']);
  for (const file of input.files) {
    assert.deepEqual(parsed.blob(sha256Hex(file.content)), file.content);
  }
  assert.equal(parsed.manifest.files[0]?.mode, 0o755);
  assert.deepEqual(parsed.manifest.health, input.health);
});

test('layout: manifest.json first, then one blob per distinct content sorted by hash', () => {
  const entries = readTar(buildBundle(input), { maxEntries: 10 });
  const hashes = [...new Set(input.files.map((file) => sha256Hex(file.content)))].sort();
  assert.deepEqual(
    entries.map((entry) => entry.name),
    ['manifest.json', ...hashes.map((hash) => `blobs/${hash}`)],
  );
});

test('a minimal bundle with only removals round-trips', () => {
  const bundle = buildBundle({ name: 'rm-only', version: '2', files: [], removals: ['a'] });
  assert.deepEqual(readBundle(bundle).manifest.removals, ['a']);
});

test('GNU tar lists and extracts the bundle with the canonical header values', async (t) => {
  if (spawnSync('tar', ['--version']).status !== 0) return t.skip('no tar on PATH');
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-bundle-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'b.tar'), buildBundle(input));
  const listing = spawnSync('tar', ['-tvf', 'b.tar', '--numeric-owner'], { cwd: dir });
  assert.equal(listing.status, 0, listing.stderr.toString());
  const lines = listing.stdout.toString().trim().split('\n');
  assert.equal(lines.length, 4);
  for (const line of lines) assert.match(line, /^-rw-r--r-- 0\/0 .* 1970-01-01 00:00 /);
  assert.equal(spawnSync('tar', ['-xf', 'b.tar'], { cwd: dir }).status, 0);
  const hash = sha256Hex(utf8('key=value\n'));
  assert.equal(await readFile(join(dir, 'blobs', hash), 'utf8'), 'key=value\n');
});

test('buildBundle refuses what the reader would refuse', () => {
  const cases: readonly [Partial<BundleInput>, string][] = [
    [{ name: 'Bad Name' }, 'BUNDLE_MALFORMED'],
    [{ version: '-1' }, 'BUNDLE_MALFORMED'],
    [{ files: [{ path: '../x', mode: 0o644, content: utf8('x') }] }, 'BUNDLE_PATH_UNSAFE'],
    [{ files: [{ path: 'x', mode: 0o4755, content: utf8('x') }] }, 'BUNDLE_PATH_UNSAFE'],
    [{ files: [{ path: 'x', mode: 0o10644, content: utf8('x') }] }, 'BUNDLE_MALFORMED'],
  ];
  for (const [change, code] of cases) {
    assert.throws(
      () => buildBundle({ ...input, ...change }),
      (error: unknown) => error instanceof PatchcastError && error.code === code,
      JSON.stringify(change),
    );
  }
});

test('special modes pass only with allowSpecialModes', () => {
  const special = { ...input, files: [{ path: 'bin/su', mode: 0o4755, content: utf8('x') }] };
  const bundle = buildBundle(special, { allowSpecialModes: true });
  assert.equal(readBundle(bundle, { allowSpecialModes: true }).manifest.files[0]?.mode, 0o4755);
  assert.throws(() => readBundle(bundle), { code: 'BUNDLE_PATH_UNSAFE' });
});
