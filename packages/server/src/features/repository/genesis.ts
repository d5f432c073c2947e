/** Version 1 of the repository's root, made from the key set of a server's first start. */
import { TOP_LEVEL_ROLES, buildRoot, serializeEnvelope, signEnvelope } from '@patchcast/core';
import type { RoleName, Signer, TufKey } from '@patchcast/core';

export interface GenesisKeys {
  readonly publicKeys: Readonly<Record<RoleName, readonly TufKey[]>>;
  readonly rootSigners: readonly Signer[];
  readonly targetsSigners: readonly Signer[];
}

/** Root version 1: each role's keys from the genesis key set, threshold 1. */
export function genesisRoot(keys: GenesisKeys, expires: Date) {
  const roles = Object.fromEntries(
    TOP_LEVEL_ROLES.map((r) => [r, { keys: keys.publicKeys[r], threshold: 1 }]),
  ) as Record<RoleName, { keys: readonly TufKey[]; threshold: number }>;
  const signed = buildRoot(1, expires, roles);
  const bytes = serializeEnvelope(signEnvelope(signed, keys.rootSigners));
  return { signed, record: { role: 'root', version: 1, bytes } as const };
}
