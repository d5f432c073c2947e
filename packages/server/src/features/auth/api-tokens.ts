import { randomToken, sha256Hex } from '@patchcast/core';
import type { Role } from '@patchcast/protocol';
import type { ApiTokenRecord, LoggedOf, Store } from '../../storage/store.js';

export const API_TOKEN_PREFIX = 'pc_';

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function newId(prefix: string): string {
  return `${prefix}_${randomToken(12).replace(/[-_]/g, '').slice(0, 14).toLowerCase()}`;
}

/** Creates an API token; only its hash is stored, the token itself is returned once. */
export async function createApiToken(
  store: Store,
  name: string,
  role: Role,
  now: Date,
  options: Pick<ApiTokenRecord, 'createdBy' | 'expiresAt' | 'devices'> = {},
  logged: LoggedOf<ApiTokenRecord> = () => [],
): Promise<{ token: string; record: ApiTokenRecord }> {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  const record: ApiTokenRecord = {
    id: newId('tok'),
    name,
    role,
    hash: hashToken(token),
    createdAt: now.toISOString(),
    ...options,
  };
  await store.createApiToken(record, logged(record));
  return { token, record };
}
