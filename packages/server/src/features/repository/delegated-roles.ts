/**
 * Delegated targets roles as the server keeps them: each role's metadata, signed by its own
 * keys, is stored under `delegated:<name>`; the top-level targets metadata names the roles. The
 * server finds a target the way clients do (core's searchTarget, §5.6.7), so what it serves and
 * checks is what agents will find.
 */
import { PatchcastError, buildTargets, parseEnvelope, searchTarget } from '@patchcast/core';
import type { Found, ParsedEnvelope, Targets } from '@patchcast/core';
import type { MetadataRole, Store } from '../../storage/store.js';

export function delegatedRole(name: string): MetadataRole {
  return `delegated:${name}`;
}

export async function loadDelegated(
  store: Store,
  name: string,
): Promise<ParsedEnvelope<Targets> | undefined> {
  const record = await store.latestMetadata(delegatedRole(name));
  return record === undefined ? undefined : parseEnvelope('targets', record.bytes);
}

/** A role that has published nothing yet: version 0, no targets. */
export function emptyTargets(): Targets {
  return buildTargets(0, new Date(0), {});
}

/** The latest version of each delegated role `top` names that has published metadata. */
export async function delegatedVersions(
  store: Store,
  top: Targets,
): Promise<Record<string, number>> {
  const versions: Record<string, number> = {};
  for (const role of top.delegations?.roles ?? []) {
    const record = await store.latestMetadata(delegatedRole(role.name));
    if (record !== undefined) versions[role.name] = record.version;
  }
  return versions;
}

/** Where a client trusting `top` finds `path`: the §5.6.7 search over the stored roles. */
export function findPublished(
  store: Store,
  top: Targets,
  path: string,
): Promise<Found | undefined> {
  return searchTarget(
    top,
    path,
    async (name) => (await loadDelegated(store, name))?.signed ?? emptyTargets(),
  );
}

/** Every target of every delegated role must stay where clients find it, unchanged. */
export async function checkStillReachable(
  store: Store,
  before: Targets,
  after: Targets,
): Promise<void> {
  for (const role of before.delegations?.roles ?? []) {
    const published = (await loadDelegated(store, role.name))?.signed.targets ?? {};
    for (const [path, info] of Object.entries(published)) {
      const found = await findPublished(store, after, path);
      if (found?.info.hashes.sha256 !== info.hashes.sha256 || found.info.length !== info.length) {
        throw new PatchcastError(
          'CONFLICT',
          `the new delegations would hide or change ${path}, published by role ${role.name}`,
          { hint: 'a published name@version never changes: keep the delegation that covers it' },
        );
      }
    }
  }
}
