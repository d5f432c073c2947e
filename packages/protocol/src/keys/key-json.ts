/** Reading key files: one size limit, one JSON parse, one error code (KEY_INVALID). */
import { PatchcastError } from '@patchcast/core';
import type { z } from 'zod';

/** Far above any Patchcast key file (a hybrid one is about 4 KiB); anything longer is not one. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export function keyInvalid(source: string, message: string, hint?: string): PatchcastError {
  return new PatchcastError('KEY_INVALID', `${source}: ${message}`, {
    hint: hint ?? 'pass a key file made by `patchcast keys generate`',
  });
}

export function parseKeyJson(text: string, source: string): unknown {
  if (text.length > MAX_KEY_FILE_BYTES) throw keyInvalid(source, 'is too large for a key file');
  try {
    return JSON.parse(text);
  } catch {
    throw keyInvalid(source, 'is not JSON (truncated or corrupt?)');
  }
}

/** Parses with `schema`, naming the first problem and where it is. */
export function parseKeySchema<T>(
  schema: z.ZodType<T>,
  value: unknown,
  source: string,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  throw keyInvalid(source, `is not a valid ${what}${at}: ${issue?.message ?? 'invalid'}`);
}
