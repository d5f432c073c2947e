/**
 * Passphrase encryption of private key material: scrypt (RFC 7914) derives a 256-bit key from the
 * passphrase and a random 16-byte salt; AES-256-GCM with a random 12-byte nonce encrypts, and
 * authenticates both the ciphertext and the file's header (passed in as additional data), so
 * changing the public keys, the KDF parameters or the nonce is detected like a wrong passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core';

/** scrypt N = 2^17, r = 8, p = 1: 128 MiB and about a second per derivation, for written files. */
export const STRONG_SCRYPT_LOG2N = 17;
/** What a reader accepts (r = 8): at least 16 MiB of memory cost, at most 256 MiB. */
const LOG2N_RANGE = { min: 14, max: 18 } as const;
const TAG_BYTES = 16;

const base64 = (bytes: number | undefined) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .refine((text) => Buffer.from(text, 'base64').toString('base64') === text, 'not base64')
    .refine((text) => bytes === undefined || Buffer.from(text, 'base64').length === bytes);

export const encryptionHeaderSchema = z.strictObject({
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    log2N: z.number().int().min(LOG2N_RANGE.min).max(LOG2N_RANGE.max),
    r: z.literal(8),
    p: z.literal(1),
    salt: base64(16),
  }),
  cipher: z.strictObject({ name: z.literal('aes-256-gcm'), nonce: base64(12) }),
});

export const ciphertextSchema = base64(undefined).refine(
  (text) => Buffer.from(text, 'base64').length > TAG_BYTES,
  'ciphertext too short',
);

export type EncryptionHeader = z.infer<typeof encryptionHeaderSchema>;

/** A header with a fresh random salt and nonce: never reuse one for a second encryption. */
export function newEncryptionHeader(log2N = STRONG_SCRYPT_LOG2N): EncryptionHeader {
  return encryptionHeaderSchema.parse({
    kdf: { name: 'scrypt', log2N, r: 8, p: 1, salt: randomBytes(16).toString('base64') },
    cipher: { name: 'aes-256-gcm', nonce: randomBytes(12).toString('base64') },
  });
}

function deriveKey(passphrase: string, { kdf }: EncryptionHeader): Buffer {
  if (passphrase === '')
    throw new PatchcastError('KEY_INVALID', 'the passphrase is empty', {
      hint: 'set it in PATCHCAST_KEY_PASSPHRASE, or in the variable --passphrase-env names',
    });
  const N = 2 ** kdf.log2N;
  return scryptSync(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, {
    N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * N * kdf.r,
  });
}

/** Encrypts `plaintext`; returns base64 of ciphertext || tag. */
export function sealSecret(
  plaintext: Uint8Array,
  passphrase: string,
  header: EncryptionHeader,
  aad: Uint8Array,
): string {
  const nonce = Buffer.from(header.cipher.nonce, 'base64');
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, header), nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return body.toString('base64');
}

/** Decrypts and authenticates; undefined for a wrong passphrase or changed bytes. */
export function openSecret(
  ciphertext: string,
  passphrase: string,
  header: EncryptionHeader,
  aad: Uint8Array,
): Uint8Array | undefined {
  const body = Buffer.from(ciphertext, 'base64');
  const nonce = Buffer.from(header.cipher.nonce, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(passphrase, header), nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}
