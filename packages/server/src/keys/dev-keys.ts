/**
 * The development key set made on first start in `<data>/keys/`: one hybrid key holder (Ed25519
 * and ML-DSA-65) per role, unencrypted so the server can start unattended. In production root and
 * targets keys live offline with their holders; the server needs only snapshot and timestamp keys.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateKeyFileText,
  readKeyFile,
  writeNewKeyFile,
  writePublicKeyFile,
} from '@patchcast/protocol';
import type { KeyFileOptions, KeyPairFile } from '@patchcast/protocol';
import type { RoleName } from '@patchcast/core';
import { TOP_LEVEL_ROLES } from '@patchcast/core';

export type KeySet = Readonly<Record<RoleName, KeyPairFile>>;

export function keyPath(dataDir: string, role: RoleName): string {
  return join(dataDir, 'keys', `${role}.key`);
}

/** Creates any missing role key; returns true when keys were created. */
export async function ensureDevKeys(dataDir: string): Promise<boolean> {
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  let created = false;
  for (const role of TOP_LEVEL_ROLES) {
    try {
      await writeNewKeyFile(keyPath(dataDir, role), generateKeyFileText({ type: 'hybrid' }));
      created = true;
      const pair = await readKeyFile(keyPath(dataDir, role));
      await writePublicKeyFile(join(dataDir, 'keys', `${role}.pub`), pair.publicKeys);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    }
  }
  return created;
}

/**
 * Reads a role's key file. An operator may replace a development key with an encrypted one;
 * `options.passphrase` (main.ts passes $PATCHCAST_KEY_PASSPHRASE) then opens it.
 */
export async function loadRoleKey(
  dataDir: string,
  role: RoleName,
  options: KeyFileOptions = {},
): Promise<KeyPairFile> {
  return readKeyFile(keyPath(dataDir, role), options);
}
