import { existsSync } from 'node:fs';
import { PatchcastError } from '@patchcast/core';
import { readKeyFile } from '@patchcast/protocol';
import type { Signer } from '@patchcast/core';

const DEV_TARGETS_KEY = 'patchcast-data/keys/targets.key';

/** The publisher's targets key: --key, $PATCHCAST_KEY, or a development server's key in ./patchcast-data. */
export async function targetsSigners(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<readonly Signer[]> {
  const path =
    flag ?? env.PATCHCAST_KEY ?? (existsSync(DEV_TARGETS_KEY) ? DEV_TARGETS_KEY : undefined);
  if (path === undefined) {
    throw new PatchcastError('USAGE', 'no targets key given', {
      hint: 'pass --key FILE (a development server keeps it in <data>/keys/targets.key)',
    });
  }
  return (await readKeyFile(path)).signers;
}
