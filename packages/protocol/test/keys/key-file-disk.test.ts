/** Key files on disk: created 0600, never overwritten, refused when others can read them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  STRONG_SCRYPT_LOG2N,
  generateKeyFileText,
  readKeyFile,
  readPublicKeyFile,
  writeNewKeyFile,
  writePublicKeyFile,
} from '../../src/index.js';

async function inTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-keys-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a key file is created 0600, read back, and never overwritten', () =>
  inTempDir(async (dir) => {
    const path = join(dir, 'a.key');
    await writeNewKeyFile(path, generateKeyFileText());
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await readKeyFile(path)).signers.length, 2);
    await assert.rejects(writeNewKeyFile(path, generateKeyFileText()), { code: 'CONFLICT' });
  }));

test('a key file that group or others can read is refused', () =>
  inTempDir(async (dir) => {
    const path = join(dir, 'a.key');
    await writeNewKeyFile(path, generateKeyFileText({ passphrase: 'pw', scryptLog2N: 14 }));
    for (const mode of [0o640, 0o604, 0o644]) {
      await chmod(path, mode);
      await assert.rejects(readKeyFile(path, { passphrase: 'pw' }), {
        code: 'KEY_INVALID',
        message: new RegExp(`readable by other users \\(mode ${mode.toString(8)}\\)`),
      });
    }
    await chmod(path, 0o400);
    assert.equal((await readKeyFile(path, { passphrase: 'pw' })).encrypted, true);
  }));

test('a missing file, a folder or a truncated file is KEY_INVALID', () =>
  inTempDir(async (dir) => {
    await assert.rejects(readKeyFile(join(dir, 'none.key')), { code: 'KEY_INVALID' });
    await assert.rejects(readKeyFile(dir), { code: 'KEY_INVALID' });
    const path = join(dir, 'cut.key');
    await writeFile(path, generateKeyFileText().slice(0, 100), { mode: 0o600 });
    await assert.rejects(readKeyFile(path), { code: 'KEY_INVALID', message: /not JSON/ });
  }));

test('the public key file lists both keys; exclusive writes refuse to replace one', () =>
  inTempDir(async (dir) => {
    const path = join(dir, 'a.key');
    await writeNewKeyFile(path, generateKeyFileText());
    const { publicKeys } = await readKeyFile(path);
    await writePublicKeyFile(`${path}.pub`, publicKeys, { exclusive: true });
    assert.equal((await stat(`${path}.pub`)).mode & 0o777, 0o644);
    assert.deepEqual(await readPublicKeyFile(`${path}.pub`), publicKeys);
    assert.match(await readFile(`${path}.pub`, 'utf8'), /"ml-dsa-65\/1"/);
    await assert.rejects(writePublicKeyFile(`${path}.pub`, publicKeys, { exclusive: true }), {
      code: 'CONFLICT',
    });
  }));

test('written encrypted files use strong scrypt parameters (N = 2^17, r = 8, p = 1)', () => {
  const text = generateKeyFileText({ type: 'ed25519', passphrase: 'pw' });
  const { kdf } = (JSON.parse(text) as { encrypted: { kdf: Record<string, unknown> } }).encrypted;
  assert.equal(STRONG_SCRYPT_LOG2N, 17);
  assert.deepEqual({ log2N: kdf.log2N, r: kdf.r, p: kdf.p }, { log2N: 17, r: 8, p: 1 });
  assert.equal(Buffer.from(kdf.salt as string, 'base64').length, 16);
});
