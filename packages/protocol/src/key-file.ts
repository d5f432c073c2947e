/**
 * Key files: `<name>.key` holds one key holder's private keys (JSON, mode 0600, optionally
 * passphrase-encrypted), `<name>.pub` the public half. A hybrid holder's Ed25519 and ML-DSA-65
 * keys live in one file. Version 1 files (Ed25519 only) are still read.
 */
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import {
  PatchcastError,
  generateKeyPairSet,
  keySetTypeOf,
  publicKeysOf,
  signersOf,
} from '@patchcast/core';
import type { KeyPairSet, KeySetType, Signer, TufKey } from '@patchcast/core';
import { PRIVATE_KEY_FORMAT_V1, parsePrivateKeyV1 } from './keys/private-key-v1.js';
import {
  PRIVATE_KEY_FORMAT_V2,
  parsePrivateKeyV2,
  privateKeyV2Text,
} from './keys/private-key-v2.js';
import type { WriteOptions } from './keys/private-key-v2.js';
import { MAX_KEY_FILE_BYTES, keyInvalid, parseKeyJson } from './keys/key-json.js';
import {
  PUBLIC_KEY_FORMAT,
  parsePublicKeyFileText,
  publicKeyFileText,
} from './keys/public-key-file.js';

export { PRIVATE_KEY_FORMAT_V1, PRIVATE_KEY_FORMAT_V2, PUBLIC_KEY_FORMAT, parsePublicKeyFileText };
export { STRONG_SCRYPT_LOG2N } from './keys/key-encryption.js';
/** The format new private key files are written in. */
export const PRIVATE_KEY_FORMAT = PRIVATE_KEY_FORMAT_V2;
/** The environment variable that holds the passphrase of encrypted key files by default. */
export const KEY_PASSPHRASE_ENV = 'PATCHCAST_KEY_PASSPHRASE';

export interface KeyPairFile {
  /** One signer per key: a hybrid file gives an Ed25519 and an ML-DSA-65 signer. */
  readonly signers: readonly Signer[];
  readonly publicKeys: readonly TufKey[];
  readonly type: KeySetType;
  readonly encrypted: boolean;
}

export interface KeyFileOptions {
  /** Needed only for encrypted files. */
  readonly passphrase?: string | undefined;
}

export interface GenerateOptions extends WriteOptions {
  readonly type?: KeySetType;
}

/** A new private key file's text: hybrid unless told otherwise, encrypted if given a passphrase. */
export function generateKeyFileText(options: GenerateOptions = {}): string {
  return privateKeyV2Text(generateKeyPairSet(options.type ?? 'hybrid'), options);
}

export function keyFileTextOf(set: KeyPairSet, options: WriteOptions = {}): string {
  return privateKeyV2Text(set, options);
}

export function parseKeyFileText(
  text: string,
  source: string,
  options: KeyFileOptions = {},
): KeyPairFile {
  const json = parseKeyJson(text, source);
  const format =
    typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format === PRIVATE_KEY_FORMAT_V1) {
    return { ...parsePrivateKeyV1(json, source), type: 'ed25519', encrypted: false };
  }
  if (format === PUBLIC_KEY_FORMAT) {
    throw keyInvalid(
      source,
      'is a public key file',
      'pass the private key file (the one without .pub)',
    );
  }
  if (format !== PRIVATE_KEY_FORMAT_V2) {
    throw keyInvalid(
      source,
      `is not a Patchcast private key file (format ${JSON.stringify(format)})`,
    );
  }
  const { set, encrypted } = parsePrivateKeyV2(json, source, options.passphrase);
  return {
    signers: signersFrom(set, source),
    publicKeys: publicKeysOf(set),
    type: keySetTypeOf(set),
    encrypted,
  };
}

function signersFrom(set: KeyPairSet, source: string): Signer[] {
  try {
    return signersOf(set);
  } catch (error) {
    if (error instanceof PatchcastError) throw keyInvalid(source, error.message);
    throw error;
  }
}

/** Reads a private key file, refusing one that other users can read. */
export async function readKeyFile(
  path: string,
  options: KeyFileOptions = {},
): Promise<KeyPairFile> {
  return parseKeyFileText(await readPrivateText(path), path, options);
}

async function readPrivateText(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw keyInvalid(path, 'is not a regular file');
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8);
      throw keyInvalid(path, `is readable by other users (mode ${mode})`, `run: chmod 600 ${path}`);
    }
    if (info.size > MAX_KEY_FILE_BYTES) throw keyInvalid(path, 'is too large for a key file');
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof PatchcastError) throw error;
    throw new PatchcastError(
      'KEY_INVALID',
      `cannot read key file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
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
      throw new PatchcastError('CONFLICT', `${path} already exists; refusing to overwrite a key`, {
        hint: 'choose another --out file, or move the existing one away first',
      });
    }
    throw error;
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  }
}

/** Writes `<name>.pub` (mode 0644); with `exclusive`, refuses to replace an existing file. */
export async function writePublicKeyFile(
  path: string,
  keys: readonly TufKey[],
  options: { exclusive?: boolean } = {},
): Promise<void> {
  try {
    await writeFile(path, publicKeyFileText(keys), {
      mode: 0o644,
      flag: options.exclusive ? 'wx' : 'w',
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PatchcastError('CONFLICT', `${path} already exists; refusing to overwrite it`, {
        hint: 'choose another --out file, or move the existing one away first',
      });
    }
    throw error;
  }
}

export async function readPublicKeyFile(path: string): Promise<TufKey[]> {
  try {
    return parsePublicKeyFileText(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (error instanceof PatchcastError) throw error;
    throw new PatchcastError('KEY_INVALID', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
