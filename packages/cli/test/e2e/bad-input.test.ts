import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

describe('bad input gets one clear error with a stable code', () => {
  let h: Harness;
  let key: string;

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    key = join(h.dir, 'server/keys/targets.key');
  });
  after(() => h.close());

  const expectError = async (
    args: string[],
    code: string,
    exit = 1,
    env?: Record<string, string>,
  ) => {
    const result = await h.cli(args, env === undefined ? {} : { env });
    assert.equal(result.code, exit, `exit code of patchcast ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^error\\[${code}\\]: `), result.stderr);
    assert.equal(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error')).length,
      1,
    );
    return result;
  };

  test('unknown command and unknown flag are usage errors (exit 2)', async () => {
    await expectError(['frobnicate'], 'USAGE', 2);
    const result = await expectError(['devices', '--colour'], 'USAGE', 2);
    assert.match(result.stderr, /--colour/);
    assert.match(result.stderr, /hint: see: patchcast devices --help/);
  });

  test('--json errors are JSON on stdout too', async () => {
    const result = await h.cli(['devices', '--json'], {
      env: { PATCHCAST_TOKEN: 'pc_wrongwrongwrong' },
    });
    assert.equal(result.code, 1);
    assert.equal(
      (JSON.parse(result.stdout) as { error: { code: string } }).error.code,
      'UNAUTHENTICATED',
    );
  });

  test('an unreachable server', async () => {
    const result = await expectError(['status'], 'SERVER_UNREACHABLE', 1, {
      PATCHCAST_SERVER: 'http://127.0.0.1:9',
    });
    assert.match(result.stderr, /hint: /);
  });

  test('publish: missing files/, symlink inside files/, malformed patchcast.json, bad name', async () => {
    await mkdir(join(h.dir, 'empty-src'), { recursive: true });
    await expectError(
      ['publish', join(h.dir, 'empty-src'), '--name', 'x', '--version', '1', '--key', key],
      'BUNDLE_SOURCE_INVALID',
    );
    const linked = await writePatchSource(join(h.dir, 'linked-src'), { 'etc/a': 'a' });
    await symlink('/etc/passwd', join(linked, 'files', 'etc', 'passwd'));
    await expectError(
      ['publish', linked, '--name', 'x', '--version', '1', '--key', key],
      'BUNDLE_SOURCE_INVALID',
    );
    const badJson = await writePatchSource(join(h.dir, 'badjson-src'), { a: 'a' });
    await writeFile(join(badJson, 'patchcast.json'), '{"health": ');
    await expectError(
      ['publish', badJson, '--name', 'x', '--version', '1', '--key', key],
      'BUNDLE_SOURCE_INVALID',
    );
    await expectError(
      ['publish', badJson, '--name', '../etc', '--version', '1', '--key', key],
      'INVALID_INPUT',
    );
  });

  test('publish with a key that is not the repository targets key is refused, nothing published', async () => {
    const source = await writePatchSource(join(h.dir, 'ok-src'), { a: 'a' });
    await expectError(
      [
        'publish',
        source,
        '--name',
        'x',
        '--version',
        '1',
        '--key',
        join(h.dir, 'server/keys/snapshot.key'),
      ],
      'KEY_INVALID',
    );
    const status = await h.cliJson<{ repository: { targets: number } }>(['status']);
    assert.equal(status.repository.targets, 1);
  });

  test('a world-readable key file is refused', async () => {
    const copy = join(h.dir, 'loose.key');
    const { readFile } = await import('node:fs/promises');
    await writeFile(copy, await readFile(key), { mode: 0o644 });
    const source = await writePatchSource(join(h.dir, 'ok-src2'), { a: 'a' });
    const result = await expectError(
      ['publish', source, '--name', 'x', '--version', '1', '--key', copy],
      'KEY_INVALID',
    );
    assert.match(result.stderr, /chmod 600/);
  });

  test('rollout of an unpublished patch, and bad selectors', async () => {
    await expectError(['rollout', 'start', 'nothing@1', '--devices', 'all'], 'NOT_FOUND');
    await expectError(['rollout', 'start', 'nothing', '--devices', 'all'], 'USAGE', 2);
    await expectError(['rollout', 'status', 'ro_doesnotexist'], 'NOT_FOUND');
  });

  test('an unwritable data folder', async () => {
    await expectError(
      ['server', '--data', '/dev/null/patchcast', '--listen', '127.0.0.1:0'],
      'DATA_DIR_UNWRITABLE',
    );
  });

  test('bundle --out writes atomically and never leaves a partial file', async () => {
    const source = await writePatchSource(join(h.dir, 'bundle-src'), { 'a/b': 'content' });
    const out = join(h.dir, 'out');
    await mkdir(out);
    const ok = await h.cliJson<{ sha256: string; length: number }>([
      'bundle',
      source,
      '--name',
      'b',
      '--version',
      '1',
      '--out',
      join(out, 'b.tar'),
    ]);
    const again = await h.cliJson<{ sha256: string }>([
      'bundle',
      source,
      '--name',
      'b',
      '--version',
      '1',
      '--out',
      join(out, 'b2.tar'),
    ]);
    assert.equal(again.sha256, ok.sha256, 'bundles are deterministic');
    await expectError(
      [
        'bundle',
        source,
        '--name',
        'b',
        '--version',
        '1',
        '--out',
        join(out, 'missing-dir', 'b.tar'),
      ],
      'INVALID_INPUT',
    );
    assert.deepEqual((await readdir(out)).sort(), ['b.tar', 'b2.tar']);
  });
});
