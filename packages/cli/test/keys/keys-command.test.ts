/** `patchcast keys generate` and reading encrypted keys where the CLI signs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSet } from '@patchcast/core';
import {
  keyFileTextOf,
  readKeyFile,
  readPublicKeyFile,
  writeNewKeyFile,
} from '@patchcast/protocol';
import { parseInvocation } from '../../src/args.js';
import type { Io } from '../../src/command.js';
import { keysCommand } from '../../src/commands/keys.js';
import { keyPassphrase, targetsSigners } from '../../src/commands/targets-key.js';

interface Run {
  readonly code: number;
  readonly out: string;
}

async function keys(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let out = '';
  const io: Io = { out: (t) => (out += t), err: () => undefined, env, isTty: false };
  const code = await keysCommand.run(parseInvocation(keysCommand, argv, io));
  return { code, out };
}

async function inTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-cli-keys-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('keys generate: a hybrid key file (0600) and a .pub listing both keys', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'root-alice.key');
    const { code, out } = await keys(['generate', '--out', file]);
    assert.equal(code, 0);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const pair = await readKeyFile(file);
    assert.equal(pair.type, 'hybrid');
    assert.deepEqual(await readPublicKeyFile(`${file}.pub`), pair.publicKeys);
    assert.match(out, /\(hybrid, mode 0600\)/);
    for (const signer of pair.signers) assert.match(out, new RegExp(`keyid ${signer.keyid}`));
  }));

test('keys generate --type ed25519 --json', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'a.key');
    const { out } = await keys(['generate', '--out', file, '--type', 'ed25519', '--json']);
    const result = JSON.parse(out) as { type: string; encrypted: boolean; keys: unknown[] };
    assert.equal(result.type, 'ed25519');
    assert.equal(result.encrypted, false);
    assert.equal(result.keys.length, 1);
    assert.equal((await readKeyFile(file)).signers.length, 1);
  }));

test('keys generate --passphrase-env VAR encrypts with the passphrase from the environment', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'a.key');
    const env = { ALICE_PASSPHRASE: 'a long passphrase' };
    const { out } = await keys(
      ['generate', '--out', file, '--passphrase-env', 'ALICE_PASSPHRASE'],
      env,
    );
    assert.match(out, /encrypted/);
    assert.doesNotMatch(await readFile(file, 'utf8'), /"private"/);
    await assert.rejects(readKeyFile(file), { code: 'KEY_INVALID', message: /is encrypted/ });
    assert.equal((await readKeyFile(file, { passphrase: env.ALICE_PASSPHRASE })).encrypted, true);
  }));

test('keys generate refuses bad input and writes nothing', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'a.key');
    const usage = { code: 'USAGE' };
    await assert.rejects(keys(['generate', '--out', file, '--passphrase-env', 'UNSET']), usage);
    await assert.rejects(keys(['generate', '--out', file, '--type', 'rsa']), usage);
    await assert.rejects(keys(['generate']), usage);
    await assert.rejects(keys(['rotate', '--out', file]), usage);
    await assert.rejects(keys(['generate', '--out', file, '--passphrase', 'x']), usage);
    await assert.rejects(keys(['generate', '--out', join(dir, 'missing', 'a.key')]), {
      code: 'INVALID_INPUT',
      message: /cannot write .*missing\/a\.key: ENOENT/,
    });
    await assert.rejects(stat(file), { code: 'ENOENT' });
    await keys(['generate', '--out', file, '--type', 'ed25519']);
    const before = await readFile(file, 'utf8');
    await assert.rejects(keys(['generate', '--out', file]), { code: 'CONFLICT' });
    assert.equal(await readFile(file, 'utf8'), before);
  }));

test('publishing reads an encrypted targets key with PATCHCAST_KEY_PASSPHRASE or --passphrase-env', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'targets.key');
    const text = keyFileTextOf(generateKeyPairSet(), { passphrase: 'pw', scryptLog2N: 14 });
    await writeNewKeyFile(file, text);
    assert.equal((await targetsSigners(file, { PATCHCAST_KEY_PASSPHRASE: 'pw' })).length, 2);
    assert.equal((await targetsSigners(file, { MINE: 'pw' }, 'MINE')).length, 2);
    await assert.rejects(targetsSigners(file, {}), {
      code: 'KEY_INVALID',
      message: /is encrypted/,
    });
    await assert.rejects(targetsSigners(file, { PATCHCAST_KEY_PASSPHRASE: 'no' }), {
      code: 'KEY_INVALID',
      message: /wrong passphrase/,
    });
    assert.equal(keyPassphrase({ PATCHCAST_KEY_PASSPHRASE: '' }), undefined);
  }));
