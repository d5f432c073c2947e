/**
 * What Patchcast publishers and the server accept as delegations (stricter than what clients
 * parse): one level below the top-level targets role, URL-safe role names, `paths` patterns of
 * `*`, `?` and plain characters only (python-tuf and tuf-js agree on those), satisfiable
 * thresholds, and no two roles whose patterns can match the same path: a path belongs to one team.
 */
import { PatchcastError } from '../errors.js';
import { isPostQuantum } from '../keys.js';
import type { TufKey } from '../keys.js';
import { PQ_ROLE_FIELD } from './role-keys.js';
import { pathPatternsOverlap } from './delegations.js';
import type { DelegatedRole, Delegations } from './delegations.js';

export const DELEGATED_ROLE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PATH_PATTERN = /^[A-Za-z0-9._+*?-]+(\/[A-Za-z0-9._+*?-]+)*$/;

function invalid(message: string): PatchcastError {
  return new PatchcastError('DELEGATION_INVALID', message);
}

export function checkDelegatedRoleName(name: string): void {
  if (!DELEGATED_ROLE_NAME.test(name))
    throw invalid(`role name "${name}" must be lowercase letters, digits and -, at most 63`);
  if (['root', 'targets', 'snapshot', 'timestamp'].includes(name))
    throw invalid(`role name "${name}" is a top-level role`);
}

function checkRole(role: DelegatedRole, keys: Readonly<Record<string, TufKey>>): void {
  checkDelegatedRoleName(role.name);
  if (role.paths === undefined || role.paths.length === 0)
    throw invalid(`role ${role.name} needs path patterns (paths; path_hash_prefixes are not used)`);
  for (const pattern of role.paths) {
    if (!PATH_PATTERN.test(pattern))
      throw invalid(
        `role ${role.name}: path pattern "${pattern}" may hold only letters, digits, . _ + - * ? and /`,
      );
  }
  const usable = (ids: readonly string[], pq: boolean) =>
    ids.filter((id) => Object.hasOwn(keys, id) && isPostQuantum(keys[id] as TufKey) === pq).length;
  if (usable(role.keyids, false) < role.threshold)
    throw invalid(`role ${role.name}: threshold ${role.threshold} exceeds its Ed25519 keys`);
  const pq = role[PQ_ROLE_FIELD];
  if (pq !== undefined && usable(pq.keyids, true) < pq.threshold)
    throw invalid(
      `role ${role.name}: post-quantum threshold ${pq.threshold} exceeds its ML-DSA-65 keys`,
    );
}

/** Throws DELEGATION_INVALID or DELEGATION_OVERLAP unless Patchcast accepts `delegations`. */
export function checkDelegations(delegations: Delegations): void {
  for (const role of delegations.roles) checkRole(role, delegations.keys);
  const roles = delegations.roles;
  for (let i = 0; i < roles.length; i++) {
    for (const other of roles.slice(i + 1)) {
      const a = roles[i] as DelegatedRole;
      for (const x of a.paths ?? []) {
        const y = (other.paths ?? []).find((p) => pathPatternsOverlap(x, p));
        if (y !== undefined) {
          throw new PatchcastError(
            'DELEGATION_OVERLAP',
            `role ${a.name}'s pattern "${x}" and role ${other.name}'s pattern "${y}" can match the same path`,
            { hint: 'give each delegated role patterns that no path matches twice' },
          );
        }
      }
    }
  }
}
