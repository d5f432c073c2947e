/** Public key files (`<name>.pub`): the TUF public keys of one key holder, safe to share. */
import { z } from 'zod';
import { publicKeyIdentity } from '@patchcast/core';
import type { TufKey } from '@patchcast/core';
import { keyInvalid, parseKeyJson, parseKeySchema } from './key-json.js';

export const PUBLIC_KEY_FORMAT = 'patchcast-public-key/v1';

const publicKeyFileSchema = z.strictObject({
  format: z.literal(PUBLIC_KEY_FORMAT),
  keys: z
    .array(
      z.strictObject({
        keytype: z.string(),
        scheme: z.string(),
        keyval: z.strictObject({ public: z.string() }),
      }),
    )
    .min(1),
});

export function publicKeyFileText(keys: readonly TufKey[]): string {
  return `${JSON.stringify({ format: PUBLIC_KEY_FORMAT, keys }, null, 2)}\n`;
}

/** Parses a `.pub` file; every key must be an Ed25519 or ML-DSA-65 key that can verify. */
export function parsePublicKeyFileText(text: string, source: string): TufKey[] {
  const json = parseKeyJson(text, source);
  const { keys } = parseKeySchema(publicKeyFileSchema, json, source, `${PUBLIC_KEY_FORMAT} file`);
  for (const key of keys) {
    if (publicKeyIdentity(key) === undefined)
      throw keyInvalid(source, `holds an unusable ${key.keytype}/${key.scheme} key`);
  }
  return keys;
}
