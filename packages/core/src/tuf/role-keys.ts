/**
 * The keys of root (spec §4.3): the `keys` map and each role's `keyids` and `threshold`, plus the
 * Patchcast post-quantum policy. A role may carry the custom field `x-patchcast-pq`, a second set
 * of key ids and threshold that Patchcast clients enforce in addition to the standard one. Stock
 * TUF clients keep it as an unrecognized field (spec §4: covered by signatures, preserved).
 */
import type { TufKey } from '../keys.js';
import { algorithmOf } from '../keys.js';
import { fail, int, obj, str } from './json-guards.js';

export const PQ_ROLE_FIELD = 'x-patchcast-pq';

export interface KeyThreshold {
  readonly keyids: readonly string[];
  readonly threshold: number;
}

export interface RoleKeys extends KeyThreshold {
  /** The post-quantum key ids and threshold; absent for a classical-only role. */
  readonly [PQ_ROLE_FIELD]?: KeyThreshold;
}

/** Any key type parses; only the types in KEY_ALGORITHMS ever verify (see verifySignature). */
export function parseKey(value: unknown, where: string): TufKey {
  const key = obj(value, where);
  const keyval = obj(key.keyval, `${where}.keyval`);
  const keytype = str(key.keytype, `${where}.keytype`);
  const scheme = str(key.scheme, `${where}.scheme`);
  const known = algorithmOf({ keytype, scheme }) !== undefined;
  const publicKey =
    keyval.public === undefined && !known ? '' : str(keyval.public, `${where}.keyval.public`);
  return { keytype, scheme, keyval: { public: publicKey } };
}

function parseKeyThreshold(value: unknown, where: string): KeyThreshold {
  const role = obj(value, where);
  if (!Array.isArray(role.keyids)) fail(`${where}.keyids must be an array`);
  const keyids = role.keyids.map((id, i) => str(id, `${where}.keyids[${i}]`));
  if (new Set(keyids).size !== keyids.length) fail(`${where}.keyids has duplicates`);
  return { keyids, threshold: int(role.threshold, `${where}.threshold`, 1) };
}

export function parseRoleKeys(value: unknown, where: string): RoleKeys {
  const pq = obj(value, where)[PQ_ROLE_FIELD];
  return {
    ...parseKeyThreshold(value, where),
    ...(pq === undefined
      ? {}
      : { [PQ_ROLE_FIELD]: parseKeyThreshold(pq, `${where}.${PQ_ROLE_FIELD}`) }),
  };
}
