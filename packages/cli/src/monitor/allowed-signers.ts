/**
 * The allowed-signers file of `patchcast audit monitor` (docs/protocol/log.md "Monitor"): which
 * TUF keys may sign which patches.
 *
 *   {
 *     "format": "patchcast-allowed-signers/v1",
 *     "signers": [
 *       { "name": "release-ci", "keyids": ["<64 hex>", ...], "patches": ["*"] },
 *       { "name": "team-a", "keyids": ["<64 hex>", ...], "patches": ["team-a-*"] }
 *     ]
 *   }
 *
 * `keyids` are TUF key ids (`patchcast keys generate --json` prints them: a hybrid key holder
 * has an Ed25519 and an ML-DSA-65 id); `patches` are patch name patterns where `*` matches any
 * run of characters and `?` one. A publication is expected when every key that signed the targets
 * metadata listing it is allowed, by some signer entry, for its name.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core';

export const ALLOWED_SIGNERS_FORMAT = 'patchcast-allowed-signers/v1';

const schema = z.strictObject({
  format: z.literal(ALLOWED_SIGNERS_FORMAT),
  signers: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(128),
        keyids: z
          .array(z.string().regex(/^[0-9a-f]{64}$/))
          .min(1)
          .max(64),
        patches: z.array(z.string().min(1).max(128)).min(1).max(256),
      }),
    )
    .max(1024),
});

export type AllowedSigners = z.infer<typeof schema>;

export async function readAllowedSigners(path: string): Promise<AllowedSigners> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw invalid(path, (error as Error).message);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(path, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The names of the signer entries that allow `keyid` to sign patch `name`. */
export function allowedAs(allowed: AllowedSigners, keyid: string, name: string): string[] {
  return allowed.signers
    .filter((s) => s.keyids.includes(keyid) && s.patches.some((p) => globMatches(p, name)))
    .map((s) => s.name);
}

function globMatches(pattern: string, name: string): boolean {
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'su').test(name);
}

function invalid(path: string, reason: string): PatchcastError {
  return new PatchcastError('CONFIG_INVALID', `${path} is not an allowed-signers file: ${reason}`, {
    hint: `see docs/protocol/log.md "Monitor" for the ${ALLOWED_SIGNERS_FORMAT} format`,
  });
}
