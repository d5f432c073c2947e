/** `patchcast keys generate`: a new key holder's private key file and its public `.pub` file. */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  KEY_SET_TYPES,
  PatchcastError,
  algorithmOf,
  generateKeyPairSet,
  keyIdOf,
  publicKeysOf,
} from '@patchcast/core';
import type { KeySetType, TufKey } from '@patchcast/core';
import { keyFileTextOf, writeNewKeyFile, writePublicKeyFile } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';
import { keyPassphrase } from './targets-key.js';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'generate a key pair for a TUF role (hybrid Ed25519 + ML-DSA-65 by default)',
  usage:
    'patchcast keys generate --out FILE [--type hybrid|ed25519] [--passphrase-env VAR] [--json]',
  help: `Writes a private key file FILE (mode 0600; never overwrites one) and its public half FILE.pub.
A hybrid key holds an Ed25519 and an ML-DSA-65 (FIPS 204) key: every role signature is made with
both, and Patchcast agents require both. Give FILE.pub to whoever builds the root metadata; keep
FILE offline.

With --passphrase-env VAR the private keys are encrypted with the passphrase held in the
environment variable VAR (scrypt N=2^17 + AES-256-GCM). Commands that read an encrypted key take
the passphrase from $PATCHCAST_KEY_PASSPHRASE or their own --passphrase-env.

Options:
  --out FILE            where to write the private key (FILE.pub gets the public keys)
  --type TYPE           hybrid (default) or ed25519
  --passphrase-env VAR  encrypt with the passphrase in environment variable VAR (never on argv)
  --json                print {"file","publicFile","type","encrypted","keys":[{"keyid","keytype","scheme"}]}`,
  options: {
    out: { type: 'string' },
    type: { type: 'string' },
    'passphrase-env': { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    if (invocation.positionals[0] !== 'generate') {
      throw new PatchcastError(
        'USAGE',
        `unknown keys action "${invocation.positionals[0] ?? ''}"`,
        {
          hint: 'use: patchcast keys generate --out FILE',
        },
      );
    }
    return generate(invocation);
  },
};

interface Generated {
  readonly file: string;
  readonly publicFile: string;
  readonly type: KeySetType;
  readonly encrypted: boolean;
  readonly keys: readonly TufKey[];
}

async function generate(invocation: Invocation): Promise<number> {
  const file = requiredFlag(invocation, 'out', 'e.g. --out root-alice.key');
  const publicFile = `${file}.pub`;
  const type = keyType(stringFlag(invocation, 'type'));
  const variable = stringFlag(invocation, 'passphrase-env');
  const passphrase =
    variable === undefined ? undefined : keyPassphrase(invocation.io.env, variable);
  for (const path of [file, publicFile]) {
    if (existsSync(path))
      throw new PatchcastError('CONFLICT', `${path} already exists; refusing to overwrite a key`, {
        hint: 'choose another --out file, or move the existing one away first',
      });
  }
  const set = generateKeyPairSet(type);
  const keys = publicKeysOf(set);
  try {
    await writeNewKeyFile(file, keyFileTextOf(set, { passphrase }));
    await writePublicKeyFile(publicFile, keys, { exclusive: true });
  } catch (error) {
    throw writeFailure(file, error);
  }
  report(invocation, { file, publicFile, type, encrypted: passphrase !== undefined, keys });
  return 0;
}

function report(invocation: Invocation, generated: Generated): void {
  const { file, publicFile, type, encrypted, keys } = generated;
  if (boolFlag(invocation, 'json')) {
    const described = keys.map((key) => ({
      keyid: keyIdOf(key),
      keytype: key.keytype,
      scheme: key.scheme,
    }));
    printJson(invocation, { file, publicFile, type, encrypted, keys: described });
    return;
  }
  const how = `${type}${encrypted ? ', encrypted' : ''}, mode 0600`;
  invocation.io.out(`wrote ${file} (${how}) and ${publicFile}\n${keys.map(keyLine).join('')}`);
}

function keyType(value: string | undefined): KeySetType {
  if (value === undefined) return 'hybrid';
  if ((KEY_SET_TYPES as readonly string[]).includes(value)) return value as KeySetType;
  throw new PatchcastError(
    'USAGE',
    `--type must be one of ${KEY_SET_TYPES.join(', ')}, not "${value}"`,
  );
}

function keyLine(key: TufKey): string {
  return `  ${(algorithmOf(key) ?? key.scheme).padEnd(10)} keyid ${keyIdOf(key)}\n`;
}

/** A folder that is missing or not writable is the user's to fix: one clear line, not INTERNAL. */
function writeFailure(file: string, error: unknown): unknown {
  if (error instanceof PatchcastError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new PatchcastError('DISK_FULL', `no space left to write ${file}`, { cause: error });
  return new PatchcastError('INVALID_INPUT', `cannot write ${file}: ${code ?? String(error)}`, {
    hint: `check that ${dirname(file)} exists and is writable`,
    cause: error,
  });
}
