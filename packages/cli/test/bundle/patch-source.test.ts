import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import { parseSourceConfig, readPatchSource } from '../../src/bundle/index.js';

async function source(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-source-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'files', 'etc', 'app'), { recursive: true });
  await writeFile(join(dir, 'files', 'etc', 'app', 'config.txt'), 'key=value\n');
  await writeFile(join(dir, 'files', 'run.sh'), '#!/bin/sh\n');
  await chmod(join(dir, 'files', 'run.sh'), 0o750);
  return dir;
}

function sourceInvalid(reason: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PatchcastError, String(error));
    assert.equal(error.code, 'BUNDLE_SOURCE_INVALID', error.message);
    assert.match(error.message, reason);
    return true;
  };
}

test('reads files/ with modes from disk and builds a readable bundle', async (t) => {
  const dir = await source(t);
  await mkdir(join(dir, 'files', 'empty-folder'));
  const input = await readPatchSource(dir, 'demo-patch', '1.0.0');
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  assert.deepEqual(
    files.map((file) => [file.path, file.mode]),
    [
      ['etc/app/config.txt', 0o644],
      ['run.sh', 0o750],
    ],
  );
  assert.deepEqual(files[0]?.content, utf8('key=value\n'));
  const manifest = readBundle(buildBundle(input)).manifest;
  assert.equal(manifest.files.length, 2);
  assert.equal(manifest.hooks, undefined);
});

test('converts patchcast.json: string commands run through /bin/sh, seconds become ms', async (t) => {
  const dir = await source(t);
  const config = {
    hooks: { preInstall: { command: 'echo pre' }, postInstall: { command: ['/bin/true'] } },
    health: { command: 'curl -f localhost', timeoutSeconds: 5 },
    removals: ['old/file.txt'],
    fixes: [{ advisories: ['CVE-1'], package: 'p', ecosystem: 'npm', fixedVersion: '2' }],
  };
  await writeFile(join(dir, 'patchcast.json'), JSON.stringify(config));
  const input = await readPatchSource(dir, 'demo-patch', '1.0.0');
  assert.deepEqual(input.hooks, {
    preInstall: { command: ['/bin/sh', '-c', 'echo pre'], timeoutMs: 60_000 },
    postInstall: { command: ['/bin/true'], timeoutMs: 60_000 },
  });
  assert.deepEqual(input.health, {
    command: ['/bin/sh', '-c', 'curl -f localhost'],
    timeoutMs: 5000,
  });
  assert.deepEqual(input.removals, ['old/file.txt']);
  assert.equal(input.fixes?.[0]?.package, 'p');
});

test('a missing files/ folder is BUNDLE_SOURCE_INVALID with a hint', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-source-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(readPatchSource(dir, 'demo-patch', '1.0.0'), (error: unknown) => {
    assert.ok(sourceInvalid(/files is missing/)(error));
    assert.match((error as PatchcastError).hint ?? '', /create .*files\//);
    return true;
  });
});

test('symlinks and FIFOs inside files/ are refused, naming the path', async (t) => {
  const dir = await source(t);
  await symlink('/etc/passwd', join(dir, 'files', 'etc', 'passwd-link'));
  await assert.rejects(
    readPatchSource(dir, 'demo-patch', '1.0.0'),
    sourceInvalid(/files\/etc\/passwd-link is a symbolic link/),
  );
  await rm(join(dir, 'files', 'etc', 'passwd-link'));
  if (spawnSync('mkfifo', [join(dir, 'files', 'pipe')]).status !== 0) return;
  await assert.rejects(
    readPatchSource(dir, 'demo-patch', '1.0.0'),
    sourceInvalid(/files\/pipe is a FIFO/),
  );
});

test('a symlinked files/ folder is refused', async (t) => {
  const dir = await source(t);
  await rm(join(dir, 'files'), { recursive: true });
  await symlink('/etc', join(dir, 'files'));
  await assert.rejects(readPatchSource(dir, 'demo-patch', '1.0.0'), sourceInvalid(/not a folder/));
});

test('bad JSON in patchcast.json reports the position', async (t) => {
  const dir = await source(t);
  await writeFile(join(dir, 'patchcast.json'), '{\n  "hooks": {\n    "preInstall": }\n}\n');
  await assert.rejects(
    readPatchSource(dir, 'demo-patch', '1.0.0'),
    sourceInvalid(/patchcast\.json is not valid JSON \(at line 3, column 19\)/),
  );
});

test('JSON error positions: wrong tokens, truncation and trailing garbage', () => {
  const cases: readonly [string, RegExp][] = [
    ['{"a":}', /line 1, column 6/],
    ['{"a":1', /line 1, column 7/],
    ['{"a":1}\n x', /line 2, column 2/],
    ['', /line 1, column 1/],
    ['{"a" 1}', /line 1, column 6/],
  ];
  for (const [text, where] of cases) {
    assert.throws(() => parseSourceConfig(text), sourceInvalid(where), JSON.stringify(text));
  }
});

test('unknown keys in patchcast.json are refused by name', () => {
  const cases: readonly [unknown, RegExp][] = [
    [{ hook: {} }, /unknown key "hook"/],
    [{ hooks: { preinstall: { command: 'x' } } }, /unknown key "hooks\.preinstall"/],
    [{ health: { command: 'x', timeout: 3 } }, /unknown key "health\.timeout"/],
    [
      { fixes: [{ advisories: [], package: 'p', ecosystem: 'e', fixedVersion: '1', x: 1 }] },
      /"fixes\[0\]\.x"/,
    ],
  ];
  for (const [config, reason] of cases) {
    assert.throws(() => parseSourceConfig(JSON.stringify(config)), sourceInvalid(reason));
  }
});

test('wrong types and values in patchcast.json are refused', () => {
  const cases: readonly [unknown, RegExp][] = [
    [[], /top level must be an object/],
    [{ health: { command: [] } }, /health\.command must not be empty/],
    [{ health: { command: 'x', timeoutSeconds: 0 } }, /timeoutSeconds/],
    [{ health: { command: 'x', timeoutSeconds: '5' } }, /timeoutSeconds/],
    [{ removals: 'a' }, /removals must be an array/],
    [
      { hooks: { postInstall: { command: [1] } } },
      /hooks\.postInstall\.command\[0\] must be a string/,
    ],
  ];
  for (const [config, reason] of cases) {
    assert.throws(() => parseSourceConfig(JSON.stringify(config)), sourceInvalid(reason));
  }
});

test('bundle rules are checked at the source: a removal clashing with a file', async (t) => {
  const dir = await source(t);
  await writeFile(join(dir, 'patchcast.json'), JSON.stringify({ removals: ['run.sh', '../x'] }));
  await assert.rejects(readPatchSource(dir, 'demo-patch', '1.0.0'), sourceInvalid(/removals/));
});

test('invalid patch names and versions are INVALID_INPUT', async (t) => {
  const dir = await source(t);
  await assert.rejects(readPatchSource(dir, 'Bad Name', '1'), { code: 'INVALID_INPUT' });
  await assert.rejects(readPatchSource(dir, 'ok', '../1'), { code: 'INVALID_INPUT' });
});

test('a pip patch source: wheels under files/, the installer names the environment', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-source-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'files', 'wheels'), { recursive: true });
  await writeFile(join(dir, 'files', 'wheels', 'demo-1.0-py3-none-any.whl'), 'PK');
  const installer = { kind: 'pip', venv: 'srv/app/venv' };
  await writeFile(join(dir, 'patchcast.json'), JSON.stringify({ installer }));
  const manifest = readBundle(buildBundle(await readPatchSource(dir, 'demo', '1'))).manifest;
  assert.deepEqual(manifest.installer, installer);
  assert.deepEqual(
    manifest.files.map((f) => f.path),
    ['wheels/demo-1.0-py3-none-any.whl'],
  );
  await writeFile(join(dir, 'files', 'wheels', 'notes.txt'), 'not a wheel\n');
  await assert.rejects(
    readPatchSource(dir, 'demo', '1'),
    sourceInvalid(/files\[1\]\.path "wheels\/notes\.txt" is not a \.whl package/),
  );
});
