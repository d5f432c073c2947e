/**
 * The server's online keys: the snapshot and timestamp key files it may sign with. Besides the
 * development `keys/snapshot.key` and `keys/timestamp.key`, every `keys/online/*.key` file is
 * loaded; an operator rotating an online key puts the new key file there before publishing the
 * root that names it. The repository signs each role with the loaded keys that the current root
 * lists for that role, so the files may stay after a rotation.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readKeyFile } from '@patchcast/protocol';
import type { KeyFileOptions } from '@patchcast/protocol';
import type { Signer } from '@patchcast/core';
import { keyPath } from './dev-keys.js';

export function onlineKeysDir(dataDir: string): string {
  return join(dataDir, 'keys', 'online');
}

/** Reads every online key file now; a missing `keys/online/` folder is no error. */
export async function loadOnlineKeys(
  dataDir: string,
  options: KeyFileOptions = {},
): Promise<readonly Signer[]> {
  const dir = onlineKeysDir(dataDir);
  const extra = await readdir(dir).then(
    (names) =>
      names
        .filter((n) => n.endsWith('.key'))
        .sort()
        .map((n) => join(dir, n)),
    () => [],
  );
  const files = [keyPath(dataDir, 'snapshot'), keyPath(dataDir, 'timestamp'), ...extra];
  const loaded = await Promise.all(files.map((file) => readKeyFile(file, options)));
  return loaded.flatMap((file) => file.signers);
}
