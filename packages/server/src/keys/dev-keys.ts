/**
 * The development key set made on first start in `<data>/keys/`. In production root and targets
 * keys live offline with their holders; the server needs only snapshot and timestamp keys.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateKeyFileText,
  readKeyFile,
  writeNewKeyFile,
  writePublicKeyFile,
} from '@patchcast/protocol';
import type { KeyPairFile } from '@patchcast/protocol';
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
      await writeNewKeyFile(keyPath(dataDir, role), generateKeyFileText());
      created = true;
      const pair = await readKeyFile(keyPath(dataDir, role));
      await writePublicKeyFile(join(dataDir, 'keys', `${role}.pub`), pair.publicKeys);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    }
  }
  return created;
}

export async function loadRoleKey(dataDir: string, role: RoleName): Promise<KeyPairFile> {
  return readKeyFile(keyPath(dataDir, role));
}
