import { PatchcastError } from '@patchcast/core';

export function sourceInvalid(
  message: string,
  hint: string | undefined,
  cause?: unknown,
): PatchcastError {
  return new PatchcastError('BUNDLE_SOURCE_INVALID', message, { hint, cause });
}
