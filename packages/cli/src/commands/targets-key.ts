import { existsSync } from 'node:fs';
import { PatchcastError } from '@patchcast/core';
import { KEY_PASSPHRASE_ENV, readKeyFile } from '@patchcast/protocol';
import type { Signer } from '@patchcast/core';
import type { Invocation } from '../command.js';
import { listFlag, stringFlag } from '../args.js';

const DEV_TARGETS_KEY = 'patchcast-data/keys/targets.key';

/**
 * A key file's passphrase, never from argv: from the variable `--passphrase-env VAR` names (which
 * must then be set), else from $PATCHCAST_KEY_PASSPHRASE (undefined when unset: the file may be
 * unencrypted).
 */
export function keyPassphrase(env: NodeJS.ProcessEnv, variable?: string): string | undefined {
  if (variable === undefined) return env[KEY_PASSPHRASE_ENV] || undefined;
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new PatchcastError(
      'USAGE',
      `--passphrase-env names ${variable}, which is not set or empty`,
      {
        hint: `export ${variable} first (for example: read -rs ${variable} && export ${variable})`,
      },
    );
  }
  return value;
}

/**
 * The publisher's targets key: --key, $PATCHCAST_KEY, or a development server's key in
 * ./patchcast-data. An encrypted file is opened with keyPassphrase(env, passphraseEnv).
 */
export async function targetsSigners(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  passphraseEnv?: string,
): Promise<readonly Signer[]> {
  const path =
    flag ?? env.PATCHCAST_KEY ?? (existsSync(DEV_TARGETS_KEY) ? DEV_TARGETS_KEY : undefined);
  if (path === undefined) {
    throw new PatchcastError('USAGE', 'no targets key given', {
      hint: 'pass --key FILE (a development server keeps it in <data>/keys/targets.key)',
    });
  }
  return (await readKeyFile(path, { passphrase: keyPassphrase(env, passphraseEnv) })).signers;
}

/** The signers of every `--key` file (several sign together, e.g. during a key handover). */
export async function signersOfKeyFlags(invocation: Invocation): Promise<readonly Signer[]> {
  const files = listFlag(invocation, 'key');
  const read = (file: string | undefined) =>
    targetsSigners(file, invocation.io.env, stringFlag(invocation, 'passphrase-env'));
  return (await Promise.all(files.length === 0 ? [read(undefined)] : files.map(read))).flat();
}
