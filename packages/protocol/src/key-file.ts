/**
 * Key files: `<name>.key` holds private keys (JSON, mode 0600), `<name>.pub` the public half.
 * One file holds one key per algorithm, so a hybrid key is still one file.
 */
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { z } from 'zod';
import { PatchcastError, ed25519Key, ed25519Signer, generateEd25519 } from '@patchcast/core';
import type { Signer, TufKey } from '@patchcast/core';

export const PRIVATE_KEY_FORMAT = 'patchcast-private-key/v1';

const privateKeyFile = z.strictObject({
  format: z.literal(PRIVATE_KEY_FORMAT),
  keys: z
    .array(
      z.strictObject({
        keytype: z.literal('ed25519'),
        scheme: z.literal('ed25519'),
        public: z.string().regex(/^[0-9a-f]{64}$/),
        private: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .min(1),
});

export interface KeyPairFile {
  readonly signers: readonly Signer[];
  readonly publicKeys: readonly TufKey[];
}

export function generateKeyFileText(): string {
  const pair = generateEd25519();
  const file = {
    format: PRIVATE_KEY_FORMAT,
    keys: [
      { keytype: 'ed25519', scheme: 'ed25519', public: pair.publicHex, private: pair.seedHex },
    ],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function parseKeyFileText(text: string, source: string): KeyPairFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PatchcastError('KEY_INVALID', `${source} is not JSON`, {
      hint: 'pass a key file made by Patchcast',
    });
  }
  const parsed = privateKeyFile.safeParse(json);
  if (!parsed.success) {
    throw new PatchcastError(
      'KEY_INVALID',
      `${source} is not a ${PRIVATE_KEY_FORMAT} file: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const signers = parsed.data.keys.map((k) =>
    ed25519Signer({ publicHex: k.public, seedHex: k.private }),
  );
  return { signers, publicKeys: parsed.data.keys.map((k) => ed25519Key(k.public)) };
}

/** Reads a private key file, refusing one that other users can read. */
export async function readKeyFile(path: string): Promise<KeyPairFile> {
  let text: string;
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) {
      throw new PatchcastError(
        'KEY_INVALID',
        `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)})`,
        {
          hint: `run: chmod 600 ${path}`,
        },
      );
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof PatchcastError) throw error;
    throw new PatchcastError(
      'KEY_INVALID',
      `cannot read key file ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parseKeyFileText(text, path);
}

/** Writes a new key file with mode 0600; never overwrites an existing one, never leaves half a file. */
export async function writeNewKeyFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PatchcastError('CONFLICT', `${path} already exists; refusing to overwrite a key`);
    }
    throw error;
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  }
}

export async function writePublicKeyFile(path: string, keys: readonly TufKey[]): Promise<void> {
  await writeFile(
    path,
    `${JSON.stringify({ format: 'patchcast-public-key/v1', keys }, null, 2)}\n`,
    { mode: 0o644 },
  );
}
