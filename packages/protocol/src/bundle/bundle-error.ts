import { PatchcastError } from '@patchcast/core/base';

const MALFORMED_HINT =
  'rebuild the bundle with `patchcast bundle`; this file is not a valid v1 bundle';
const UNSAFE_HINT = 'bundle paths must be relative POSIX paths inside the managed root';

export function malformed(message: string): PatchcastError {
  return new PatchcastError('BUNDLE_MALFORMED', message, { hint: MALFORMED_HINT });
}

export function unsafe(message: string): PatchcastError {
  return new PatchcastError('BUNDLE_PATH_UNSAFE', message, { hint: UNSAFE_HINT });
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}
