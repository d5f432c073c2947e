/**
 * Admitting a delegated role's new targets metadata (docs/protocol/repository.md, "Delegated
 * targets roles"): the top-level targets must delegate to the role; a threshold (and
 * post-quantum threshold) of the keys it names for the role must sign; then the publishing rules
 * of targets-policy.ts, within the role's path patterns.
 */
import { PatchcastError, parseEnvelope, verifyDelegatedThreshold } from '@patchcast/core';
import type { Targets } from '@patchcast/core';
import type { MetadataRecord, Store } from '../../storage/store.js';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { checkTargetsUpdate } from './targets-policy.js';
import { delegatedRole, emptyTargets, loadDelegated } from './delegated-roles.js';

export interface AdmittedDelegated {
  readonly record: MetadataRecord;
  readonly current: Targets;
  readonly next: Targets;
}

export async function admitDelegated(
  metadata: unknown,
  name: string,
  top: Targets,
  deps: { readonly store: Store; readonly artifacts: ArtifactStore; readonly now: () => Date },
): Promise<AdmittedDelegated> {
  const role = top.delegations?.roles.find((r) => r.name === name);
  if (top.delegations === undefined || role === undefined) {
    throw new PatchcastError('NOT_FOUND', `the targets metadata delegates to no role ${name}`, {
      hint: 'the targets key holder adds it first: patchcast delegate add',
    });
  }
  const bytes = new TextEncoder().encode(JSON.stringify(metadata));
  let next;
  try {
    next = parseEnvelope('targets', bytes);
    verifyDelegatedThreshold(next, top.delegations, role, 'targets');
  } catch (error) {
    throw new PatchcastError('METADATA_INVALID', `role ${name}: ${(error as Error).message}`, {
      hint: `sign with a key delegated to ${name} (patchcast publish --role ${name} --key FILE)`,
    });
  }
  const current = (await loadDelegated(deps.store, name))?.signed ?? emptyTargets();
  await checkTargetsUpdate(current, next.signed, deps, { top, role });
  return {
    record: { role: delegatedRole(name), version: next.signed.version, bytes },
    current,
    next: next.signed,
  };
}
