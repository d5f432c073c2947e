/**
 * The publisher's side of deltas: `zstd --patch-from` output is decoded alike by the zstd program
 * (the independent oracle) and by the agents' WebAssembly decoder; without a zstd program there
 * is no delta; the base is the highest earlier published version of the same patch.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '@patchcast/core';
import { applyDelta, deltaTargetPath, zstdFrameContentSize } from '@patchcast/protocol';
import { zstdPatchFrom } from '../../src/delta/zstd-cli.js';
import { previousVersion } from '../../src/delta/prepare-delta.js';

const HAVE_ZSTD = spawnSync('zstd', ['--version']).status === 0;
if (!HAVE_ZSTD) console.log('# zstd delta tests skipped: no zstd program (apt-get install zstd)');

const release = (edit: string) =>
  new TextEncoder().encode(
    Array.from({ length: 20_000 }, (_, i) =>
      i % 4999 === 7 ? edit : `entry ${i}: ${(i * 48271) % 2147483647}`,
    ).join('\n'),
  );

describe('zstd --patch-from', { skip: !HAVE_ZSTD }, () => {
  test('the zstd program and the WebAssembly decoder rebuild the same bytes', async () => {
    const base = release('one');
    const next = release('two');
    const delta = await zstdPatchFrom(base, next);
    assert.ok(delta !== undefined);
    assert.ok(delta.length < next.length / 50, `${delta.length} bytes`);
    assert.equal(zstdFrameContentSize(delta), next.length);
    const rebuilt = await applyDelta('zstd-patch-from/v1', base, delta, next.length);
    assert.equal(sha256Hex(rebuilt), sha256Hex(next));
    const dir = await mkdtemp(join(tmpdir(), 'patchcast-zstd-oracle-'));
    try {
      await writeFile(join(dir, 'base'), base);
      await writeFile(join(dir, 'delta'), delta);
      const decoded = spawnSync(
        'zstd',
        ['-q', '-d', '--long=27', '--patch-from=base', 'delta', '-o', 'out'],
        { cwd: dir },
      );
      assert.equal(decoded.status, 0, decoded.stderr.toString());
      assert.equal(sha256Hex(new Uint8Array(await readFile(join(dir, 'out')))), sha256Hex(next));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('no zstd program: no delta', async () => {
    const saved = process.env.PATCHCAST_ZSTD;
    process.env.PATCHCAST_ZSTD = '/nonexistent/zstd';
    try {
      assert.equal(await zstdPatchFrom(release('a'), release('b')), undefined);
    } finally {
      if (saved === undefined) delete process.env.PATCHCAST_ZSTD;
      else process.env.PATCHCAST_ZSTD = saved;
    }
  });
});

describe('the default delta base', () => {
  const entry = { length: 1, hashes: { sha256: '0'.repeat(64) } };
  const targets = Object.fromEntries(
    [
      'app/1.0.0/bundle.tar',
      'app/1.10.0/bundle.tar',
      'app/1.9.0/bundle.tar',
      'app/3.0.0/bundle.tar',
      'other/2.5.0/bundle.tar',
      deltaTargetPath({ name: 'app', version: '1.10.0' }, 'a'.repeat(64)),
    ].map((path) => [path, entry]),
  );

  test('is the highest published version of the same patch below the new one', () => {
    assert.deepEqual(previousVersion(targets, { name: 'app', version: '2.0.0' }), {
      name: 'app',
      version: '1.10.0',
    });
    assert.deepEqual(previousVersion(targets, { name: 'app', version: '1.9.1' }), {
      name: 'app',
      version: '1.9.0',
    });
    assert.equal(previousVersion(targets, { name: 'app', version: '0.1.0' }), undefined);
    assert.equal(previousVersion(targets, { name: 'new', version: '1.0.0' }), undefined);
  });
});
