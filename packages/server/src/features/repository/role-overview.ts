/**
 * The repository's roles for the console's Patches page (`GET /api/v1/repository/roles`): root's
 * four roles and the top-level targets role's delegations, each with its keys and threshold as
 * the metadata that names it says, and its latest version and expiry. Roles signed with offline
 * keys (root, targets, delegated roles) warn when their metadata expires within
 * ROLE_EXPIRY_WARNING_DAYS: someone holding those keys has to re-sign before agents refuse it.
 */
import { PQ_ROLE_FIELD } from '@patchcast/core';
import type { RoleKeys } from '@patchcast/core';
import { ROLE_EXPIRY_WARNING_DAYS } from '@patchcast/protocol';
import type { RepositoryRole, RepositoryRolesResponse } from '@patchcast/protocol';
import type { RepositoryView } from './repository-view.js';

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

export function repositoryRoles(
  view: RepositoryView | undefined,
  now: Date,
): RepositoryRolesResponse {
  if (view === undefined) throw new Error('repository is not initialized');
  const root = view.root.envelope.signed;
  const targets = view.targets.envelope.signed;
  const top = TOP.map((role): RepositoryRole => {
    const online = role === 'snapshot' || role === 'timestamp';
    const { version, envelope } = view[role];
    const { expires } = envelope.signed;
    return {
      name: role,
      delegatedBy: null,
      ...keysOf(root.roles[role]),
      version,
      expires,
      online,
      warning: warningOf(expires, online, now),
    };
  });
  const delegated = (targets.delegations?.roles ?? []).map((role): RepositoryRole => {
    const record = view.delegated.get(role.name);
    const expires = record?.envelope.signed.expires ?? null;
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
  });
  return { roles: [...top, ...delegated], warningDays: ROLE_EXPIRY_WARNING_DAYS };
}
