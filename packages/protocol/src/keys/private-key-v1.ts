/** Version 1 private key files: one or more Ed25519 keys, unencrypted. Read, never written. */
import { z } from 'zod';
import { ed25519Key, ed25519Signer } from '@patchcast/core';
import type { Signer, TufKey } from '@patchcast/core';
import { parseKeySchema } from './key-json.js';

export const PRIVATE_KEY_FORMAT_V1 = 'patchcast-private-key/v1';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes of lowercase hex');

const privateKeyV1Schema = z.strictObject({
  format: z.literal(PRIVATE_KEY_FORMAT_V1),
  keys: z
    .array(
      z.strictObject({
        keytype: z.literal('ed25519'),
        scheme: z.literal('ed25519'),
        public: hex32,
        private: hex32,
      }),
    )
    .min(1),
});

export function parsePrivateKeyV1(
  json: unknown,
  source: string,
): { signers: Signer[]; publicKeys: TufKey[] } {
  const { keys } = parseKeySchema(
    privateKeyV1Schema,
    json,
    source,
    `${PRIVATE_KEY_FORMAT_V1} file`,
  );
  return {
    signers: keys.map((k) => ed25519Signer({ publicHex: k.public, seedHex: k.private })),
    publicKeys: keys.map((k) => ed25519Key(k.public)),
  };
}
