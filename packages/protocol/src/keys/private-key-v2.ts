/**
 * Version 2 private key files: one key holder's Ed25519 key and, for a hybrid file, its ML-DSA-65
 * key. The public keys are in clear (TUF form); the private part (the 32-byte seed of each key)
 * is either in clear under `private` or passphrase-encrypted under `encrypted`, whose additional
 * authenticated data is the canonical JSON of everything in the file but the ciphertext.
 */
import { z } from 'zod';
import {
  KEY_SET_TYPES,
  algorithmOf,
  canonicalBytes,
  keySetTypeOf,
  publicKeysOf,
} from '@patchcast/core';
import type { KeyPairSet } from '@patchcast/core';
import {
  ciphertextSchema,
  encryptionHeaderSchema,
  newEncryptionHeader,
  openSecret,
  sealSecret,
} from './key-encryption.js';
import { keyInvalid, parseKeySchema } from './key-json.js';

export const PRIVATE_KEY_FORMAT_V2 = 'patchcast-private-key/v2';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes of lowercase hex');
const secretsSchema = z.strictObject({ ed25519: hex32, 'ml-dsa-65': hex32.optional() });
type Secrets = z.infer<typeof secretsSchema>;

const tufKeySchema = z.strictObject({
  keytype: z.string(),
  scheme: z.string(),
  keyval: z.strictObject({ public: z.string() }),
});

const privateKeyV2Schema = z
  .strictObject({
    format: z.literal(PRIVATE_KEY_FORMAT_V2),
    type: z.enum(KEY_SET_TYPES),
    keys: z.array(tufKeySchema).min(1).max(2),
    private: secretsSchema.optional(),
    encrypted: encryptionHeaderSchema.extend({ ciphertext: ciphertextSchema }).optional(),
  })
  .refine((file) => (file.private === undefined) !== (file.encrypted === undefined), {
    message: 'needs exactly one of "private" and "encrypted"',
  });
type PrivateKeyV2 = z.infer<typeof privateKeyV2Schema>;

const ALGORITHMS = { hybrid: ['ed25519', 'ml-dsa-65'], ed25519: ['ed25519'] } as const;

export interface WriteOptions {
  readonly passphrase?: string | undefined;
  /** scrypt cost for encrypted files (tests lower it); see key-encryption.ts. */
  readonly scryptLog2N?: number;
}

export function privateKeyV2Text(set: KeyPairSet, options: WriteOptions = {}): string {
  const header = {
    format: PRIVATE_KEY_FORMAT_V2,
    type: keySetTypeOf(set),
    keys: publicKeysOf(set),
  };
  const secrets: Secrets = {
    ed25519: set.ed25519.seedHex,
    ...(set.mlDsa65 === undefined ? {} : { 'ml-dsa-65': set.mlDsa65.seedHex }),
  };
  const { passphrase } = options;
  if (passphrase === undefined)
    return `${JSON.stringify({ ...header, private: secrets }, null, 2)}\n`;
  const encryption = newEncryptionHeader(options.scryptLog2N);
  const aad = canonicalBytes({ ...header, encrypted: encryption });
  const ciphertext = sealSecret(canonicalBytes(secrets), passphrase, encryption, aad);
  return `${JSON.stringify({ ...header, encrypted: { ...encryption, ciphertext } }, null, 2)}\n`;
}

export function parsePrivateKeyV2(
  json: unknown,
  source: string,
  passphrase: string | undefined,
): { set: KeyPairSet; encrypted: boolean } {
  const file = parseKeySchema(privateKeyV2Schema, json, source, `${PRIVATE_KEY_FORMAT_V2} file`);
  const secrets = file.private ?? decrypt(file, source, passphrase);
  return { set: keyPairSetOf(file, secrets, source), encrypted: file.encrypted !== undefined };
}

function decrypt(file: PrivateKeyV2, source: string, passphrase: string | undefined): Secrets {
  if (file.encrypted === undefined) throw new Error('decrypt needs an encrypted file');
  if (passphrase === undefined || passphrase === '') {
    throw keyInvalid(
      source,
      'is encrypted and no passphrase was given',
      'set PATCHCAST_KEY_PASSPHRASE, or pass --passphrase-env VAR naming a variable that holds it',
    );
  }
  const { ciphertext, ...encryption } = file.encrypted;
  const aad = canonicalBytes({
    format: file.format,
    type: file.type,
    keys: file.keys,
    encrypted: encryption,
  });
  const plaintext = openSecret(ciphertext, passphrase, encryption, aad);
  if (plaintext === undefined) {
    throw keyInvalid(
      source,
      'wrong passphrase, or the file was changed',
      'check the passphrase; if it is right, restore the key file from its backup',
    );
  }
  return parseKeySchema(secretsSchema, parseJson(plaintext), source, 'encrypted key material');
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** Checks that the declared type, the public keys and the seeds agree, then pairs them up. */
function keyPairSetOf(file: PrivateKeyV2, secrets: Secrets, source: string): KeyPairSet {
  const declared = file.keys.map((key) => algorithmOf(key) ?? `${key.keytype}/${key.scheme}`);
  const expected: readonly string[] = ALGORITHMS[file.type];
  if (declared.join() !== expected.join()) {
    throw keyInvalid(
      source,
      `a ${file.type} key file holds ${expected.join(' + ')} keys, not ${declared.join(' + ')}`,
    );
  }
  const [ed, pq] = file.keys;
  const pqSeed = secrets['ml-dsa-65'];
  if (ed === undefined || (pq === undefined) !== (pqSeed === undefined)) {
    throw keyInvalid(source, `the private keys do not match its ${file.type} public keys`);
  }
  return {
    ed25519: { publicHex: ed.keyval.public, seedHex: secrets.ed25519 },
    mlDsa65:
      pq === undefined || pqSeed === undefined
        ? undefined
        : { publicPem: pq.keyval.public, seedHex: pqSeed },
  };
}
