/**
 * The transparency log's identity: its origin (stored once in settings) and its Ed25519 signed-note
 * key (C2SP signed-note "Ed25519 signatures"), whose name is the origin. The key is made on first
 * start in `<data>/keys/log.key` as a golang.org/x/mod/sumdb/note signer key string (mode 0600);
 * `log.pub` holds the verifier key that auditors and agents pin.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError, generateNoteKeys, parseSignerKey } from '@patchcast/core';
import type { Ed25519NoteSigner } from '@patchcast/core';
import type { Store } from '../storage/store.js';

export const LOG_ORIGIN_SETTING = 'log-origin';

export function logKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'log.key');
}

export function logPublicKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'log.pub');
}

/** The log's origin line (C2SP tlog-checkpoint "Note text"): `patchcast/<16 hex>`, made once. */
export function ensureLogOrigin(store: Store): Promise<string> {
  return store.initSetting(LOG_ORIGIN_SETTING, `patchcast/${randomBytes(8).toString('hex')}`);
}

/** Loads the log key, creating it on first start; it must be named after `origin`. */
export async function ensureLogKey(
  dataDir: string,
  origin: string,
): Promise<{ readonly signer: Ed25519NoteSigner; readonly created: boolean }> {
  const created = await createLogKey(dataDir, origin);
  const path = logKeyPath(dataDir);
  if (((await stat(path)).mode & 0o077) !== 0) {
    throw new PatchcastError('KEY_INVALID', `${path} is readable by other users`, {
      hint: `chmod 600 ${path}`,
    });
  }
  const signer = parseSignerKey((await readFile(path, 'utf8')).trim());
  if (signer.name !== origin) {
    throw new PatchcastError(
      'KEY_INVALID',
      `${path} is for log "${signer.name}", not "${origin}"`,
      {
        hint: 'restore the log key that belongs to this database',
      },
    );
  }
  return { signer, created };
}

async function createLogKey(dataDir: string, origin: string): Promise<boolean> {
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const keys = generateNoteKeys(origin);
  try {
    await writeFile(logKeyPath(dataDir), `${keys.signerKey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await writeFile(logPublicKeyPath(dataDir), `${keys.verifierKey}\n`, { mode: 0o644 });
  return true;
}
