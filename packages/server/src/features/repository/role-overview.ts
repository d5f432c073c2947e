/**
 * The repository's roles for the console's Patches page (`GET /api/v1/repository/roles`): root's
 * four roles and the top-level targets role's delegations, each with its keys and threshold as
 * the metadata that names it says, and its latest version and expiry. Roles signed with offline
 * keys (root, targets, delegated roles) warn when their metadata expires within
 * ROLE_EXPIRY_WARNING_DAYS: someone holding those keys has to re-sign before agents refuse it.
 */
import { PQ_ROLE_FIELD, parseEnvelope } from '@patchcast/core';
import type { RoleKeys, Root, Targets } from '@patchcast/core';
import { ROLE_EXPIRY_WARNING_DAYS } from '@patchcast/protocol';
import type { RepositoryRole, RepositoryRolesResponse } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import { delegatedRole } from './delegated-roles.js';

const DAY_MS = 24 * 3600_000;
const TOP = ['root', 'targets', 'snapshot', 'timestamp'] as const;

function warningOf(expires: string | null, online: boolean, now: Date): RepositoryRole['warning'] {
  if (expires === null || online) return null;
  const left = Date.parse(expires) - now.getTime();
  if (left <= 0) return 'expired';
  return left <= ROLE_EXPIRY_WARNING_DAYS * DAY_MS ? 'expires-soon' : null;
}

function keysOf(role: RoleKeys): Pick<RepositoryRole, 'keys' | 'pqKeys'> {
  const pq = role[PQ_ROLE_FIELD];
  return {
    keys: { keyids: [...role.keyids], threshold: role.threshold },
    ...(pq === undefined ? {} : { pqKeys: { keyids: [...pq.keyids], threshold: pq.threshold } }),
  };
}

async function latest(store: Store, role: (typeof TOP)[number]) {
  const record = await store.latestMetadata(role);
  if (record === undefined) throw new Error('repository is not initialized');
  return record;
}

export async function repositoryRoles(store: Store, now: Date): Promise<RepositoryRolesResponse> {
  const records = await Promise.all(
    TOP.map(async (role) => ({ role, record: await latest(store, role) })),
  );
  const bytesOf = (role: string) => records.find((r) => r.role === role)?.record.bytes;
  const root: Root = parseEnvelope('root', bytesOf('root') ?? new Uint8Array()).signed;
  const targets: Targets = parseEnvelope('targets', bytesOf('targets') ?? new Uint8Array()).signed;
  const top = records.map(({ role, record }): RepositoryRole => {
    const online = role === 'snapshot' || role === 'timestamp';
    const expires = parseEnvelope(role, record.bytes).signed.expires;
    return {
      name: role,
      delegatedBy: null,
      ...keysOf(root.roles[role]),
      version: record.version,
      expires,
      online,
      warning: warningOf(expires, online, now),
    };
  });
  const delegated = await Promise.all(
    (targets.delegations?.roles ?? []).map(async (role): Promise<RepositoryRole> => {
      const record = await store.latestMetadata(delegatedRole(role.name));
      const expires =
        record === undefined ? null : parseEnvelope('targets', record.bytes).signed.expires;
      return {
        name: role.name,
        delegatedBy: 'targets',
        ...keysOf(role),
        ...(role.paths === undefined ? {} : { paths: [...role.paths] }),
        version: record?.version ?? 0,
        expires,
        online: false,
        warning: warningOf(expires, false, now),
      };
    }),
  );
  return { roles: [...top, ...delegated], warningDays: ROLE_EXPIRY_WARNING_DAYS };
}
