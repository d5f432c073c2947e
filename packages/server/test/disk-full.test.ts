import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { PatchcastClient } from '@patchcast/protocol';
import { startServer } from '../src/index.js';

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a full disk refuses the upload with DISK_FULL and leaves nothing half-written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-full-'));
  if (!mountTmpfs(dir, '4m')) {
    t.skip('cannot mount a small tmpfs here (needs root): full-disk behaviour not exercised');
    await rm(dir, { recursive: true, force: true });
    return;
  }
  try {
    const server = await startServer({ dataDir: dir, port: 0, logLevel: 'fatal' });
    try {
      const client = new PatchcastClient({ server: server.url, token: server.initialAdminToken });
      const big = randomBytes(6 * 1024 * 1024);
      const sha = createHash('sha256').update(big).digest('hex');
      await assert.rejects(client.putArtifact(sha, big), (error: unknown) => {
        assert.equal((error as { code?: string }).code, 'DISK_FULL');
        return true;
      });
      assert.deepEqual(await readdir(join(dir, 'artifacts', 'incoming')), []);
      assert.deepEqual(await readdir(join(dir, 'artifacts', 'sha256')), []);
      const small = randomBytes(1024);
      const smallSha = createHash('sha256').update(small).digest('hex');
      assert.deepEqual(await client.putArtifact(smallSha, small), {
        sha256: smallSha,
        length: 1024,
      });
    } finally {
      await server.close();
    }
  } finally {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  }
});
