/** Builders for the `signed` part of each top-level role, as the repository side produces them. */
import { isPostQuantum, keyIdOf } from '../keys.js';
import type { TufKey } from '../keys.js';
import { sha256Hex } from '../bytes.js';
import { PQ_ROLE_FIELD, SPEC_VERSION, TOP_LEVEL_ROLES } from './metadata.js';
import type {
  DelegatedRole,
  Delegations,
  Root,
  RoleKeys,
  RoleName,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from './metadata.js';
import { formatExpires } from './signing.js';

/**
 * A role's public keys and thresholds. Ed25519 (and any other classical) keys form the standard TUF
 * role, so stock clients count them; ML-DSA-65 keys form the role's `x-patchcast-pq` set, whose
 * threshold is `pqThreshold` (default: `threshold`, one of each per key holder).
 */
export interface RoleKeySet {
  readonly keys: readonly TufKey[];
  readonly threshold: number;
  readonly pqThreshold?: number;
}

export function buildRoot(
  version: number,
  expires: Date,
  roles: Readonly<Record<RoleName, RoleKeySet>>,
): Root {
  const keys: Record<string, TufKey> = {};
  const add = (key: TufKey): string => {
    const id = keyIdOf(key);
    keys[id] = key;
    return id;
  };
  const roleKeys = Object.fromEntries(
    TOP_LEVEL_ROLES.map((role) => [role, roleKeysOf(roles[role], add)]),
  ) as Record<RoleName, RoleKeys>;
  return {
    _type: 'root',
    spec_version: SPEC_VERSION,
    version,
    expires: formatExpires(expires),
    consistent_snapshot: true,
    keys,
    roles: roleKeys,
  };
}

/**
 * Adds (or replaces, by name) a delegated targets role to `delegations`: the role's keys join the
 * delegations' `keys` map, Ed25519 ids in `keyids`, ML-DSA-65 ids in `x-patchcast-pq`.
 */
export function withDelegatedRole(
  delegations: Delegations | undefined,
  role: { readonly name: string; readonly paths: readonly string[]; readonly terminating: boolean },
  set: RoleKeySet,
): Delegations {
  const keys: Record<string, TufKey> = { ...(delegations?.keys ?? {}) };
  const ids = roleKeysOf(set, (key) => {
    const id = keyIdOf(key);
    keys[id] = key;
    return id;
  });
  const entry: DelegatedRole = {
    name: role.name,
    ...ids,
    terminating: role.terminating,
    paths: [...role.paths],
  };
  const others = (delegations?.roles ?? []).filter((r) => r.name !== role.name);
  return { keys, roles: [...others, entry] };
}

function roleKeysOf(set: RoleKeySet, add: (key: TufKey) => string): RoleKeys {
  const ids = (pq: boolean) => [
    ...new Set(set.keys.filter((key) => isPostQuantum(key) === pq).map(add)),
  ];
  const pqIds = ids(true);
  const standard = { keyids: ids(false), threshold: set.threshold };
  if (pqIds.length === 0) return standard;
  return {
    ...standard,
    [PQ_ROLE_FIELD]: { keyids: pqIds, threshold: set.pqThreshold ?? set.threshold },
  };
}

export function buildTargets(
  version: number,
  expires: Date,
  targets: Readonly<Record<string, TargetFile>>,
  delegations?: Delegations,
): Targets {
  return {
    _type: 'targets',
    spec_version: SPEC_VERSION,
    version,
    expires: formatExpires(expires),
    targets,
    ...(delegations === undefined ? {} : { delegations }),
  };
}

/**
 * Snapshot metadata naming the top-level targets version and, given a map, the version of each
 * delegated role's metadata file `<name>.json`.
 */
export function buildSnapshot(
  version: number,
  expires: Date,
  targetsVersion: number,
  delegatedVersions: Readonly<Record<string, number>> = {},
): Snapshot {
  const meta: Record<string, { version: number }> = { 'targets.json': { version: targetsVersion } };
  for (const [name, v] of Object.entries(delegatedVersions)) meta[`${name}.json`] = { version: v };
  return {
    _type: 'snapshot',
    spec_version: SPEC_VERSION,
    version,
    expires: formatExpires(expires),
    meta,
  };
}

export function buildTimestamp(
  version: number,
  expires: Date,
  snapshotVersion: number,
  snapshotBytes: Uint8Array,
): Timestamp {
  return {
    _type: 'timestamp',
    spec_version: SPEC_VERSION,
    version,
    expires: formatExpires(expires),
    meta: {
      'snapshot.json': {
        version: snapshotVersion,
        length: snapshotBytes.length,
        hashes: { sha256: sha256Hex(snapshotBytes) },
      },
    },
  };
}
