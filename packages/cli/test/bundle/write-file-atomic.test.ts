import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, utf8 } from '@patchcast/core';
import { nodeAtomicWriteOps, writeFileAtomic } from '../../src/bundle/index.js';

async function folder(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('writes the bytes with the mode and leaves no temporary file', async (t) => {
  const dir = await folder(t);
  const out = join(dir, 'bundle.tar');
  await writeFile(out, 'old');
  await writeFileAtomic(out, utf8('new content'), 0o640);
  assert.equal(await readFile(out, 'utf8'), 'new content');
  assert.equal((await stat(out)).mode & 0o777, 0o640);
  assert.deepEqual(await readdir(dir), ['bundle.tar']);
});

test('ENOSPC mid-write is DISK_FULL; the old file stays and the temp file is removed', async (t) => {
  const dir = await folder(t);
  const out = join(dir, 'bundle.tar');
  await writeFile(out, 'old');
  const ops = {
    ...nodeAtomicWriteOps,
    async writeTemp(path: string, bytes: Uint8Array): Promise<void> {
      await writeFile(path, bytes.subarray(0, bytes.length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    },
  };
  await assert.rejects(writeFileAtomic(out, utf8('new content'), 0o644, ops), (error: unknown) => {
    assert.ok(error instanceof PatchcastError);
    assert.equal(error.code, 'DISK_FULL');
    return true;
  });
  assert.equal(await readFile(out, 'utf8'), 'old');
  assert.deepEqual(await readdir(dir), ['bundle.tar']);
});

test('a failing rename leaves nothing behind', async (t) => {
  const dir = await folder(t);
  const out = join(dir, 'taken');
  await mkdir(join(out, 'child'), { recursive: true });
  await assert.rejects(writeFileAtomic(out, utf8('x')), { code: 'INVALID_INPUT' });
  assert.deepEqual(await readdir(dir), ['taken']);
});

test('a missing output folder is INVALID_INPUT', async (t) => {
  const dir = await folder(t);
  await assert.rejects(writeFileAtomic(join(dir, 'no', 'x'), utf8('x')), {
    code: 'INVALID_INPUT',
  });
});
