/** Builders for the `signed` part of each top-level role, as the repository side produces them. */
import { keyIdOf } from '../keys.js';
import type { TufKey } from '../keys.js';
import { sha256Hex } from '../bytes.js';
import { SPEC_VERSION, TOP_LEVEL_ROLES } from './metadata.js';
import type { Root, RoleName, Snapshot, TargetFile, Targets, Timestamp } from './metadata.js';
import { formatExpires } from './signing.js';

export interface RoleKeySet {
  readonly keys: readonly TufKey[];
  readonly threshold: number;
}

export function buildRoot(
  version: number,
  expires: Date,
  roles: Readonly<Record<RoleName, RoleKeySet>>,
): Root {
  const keys: Record<string, TufKey> = {};
  const roleKeys = {} as Record<RoleName, { keyids: string[]; threshold: number }>;
  for (const role of TOP_LEVEL_ROLES) {
    const { keys: roleKeyList, threshold } = roles[role];
    const keyids = roleKeyList.map((key) => {
      const id = keyIdOf(key);
      keys[id] = key;
      return id;
    });
    roleKeys[role] = { keyids, threshold };
  }
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

export function buildTargets(
  version: number,
  expires: Date,
  targets: Readonly<Record<string, TargetFile>>,
): Targets {
  return {
    _type: 'targets',
    spec_version: SPEC_VERSION,
    version,
    expires: formatExpires(expires),
    targets,
  };
}

export function buildSnapshot(version: number, expires: Date, targetsVersion: number): Snapshot {
  return {
    _type: 'snapshot',
    spec_version: SPEC_VERSION,
    version,
    expires: formatExpires(expires),
    meta: { 'targets.json': { version: targetsVersion } },
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
