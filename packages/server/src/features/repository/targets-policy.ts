/**
 * What a publisher's new targets metadata (top-level or a delegated role's) may change: it may
 * add patch bundles, each path published once across all roles, and withdraw published ones
 * (`custom.patchcast.withdrawn`, never undone: ADR 0017); the top-level role may also add
 * delegations, checked by core's checkDelegations, that hide nothing already published.
 */
import {
  PQ_ROLE_FIELD,
  PatchcastError,
  canonicalize,
  checkDelegations,
  isDelegatedPath,
  parseEnvelope,
  verifyDelegatedThreshold,
} from '@patchcast/core';
import type { DelegatedRole, TargetFile, Targets } from '@patchcast/core';
import {
  changedBeyondWithdrawal,
  deltaLinkMismatch,
  deltaLinkOf,
  deltaOfTargetPath,
  patchOfTargetPath,
  targetPathOf,
  withdrawalOf,
} from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { checkStillReachable, findPublished, loadDelegated } from './delegated-roles.js';

interface PolicyDeps {
  readonly store: Store;
  readonly artifacts: ArtifactStore;
  readonly now: () => Date;
}

export interface UpdateScope {
  /** The top-level targets in force (where other roles' targets are looked up). */
  readonly top: Targets;
  /** The delegated role being updated; absent for the top-level role. */
  readonly role?: DelegatedRole;
  /** Delegated roles need ML-DSA-65 keys: the root is hybrid, so agents require them. */
  readonly requirePq?: boolean;
}

export async function checkTargetsUpdate(
  current: Targets,
  next: Targets,
  deps: PolicyDeps,
  scope: UpdateScope = { top: current },
): Promise<void> {
  if (next.version !== current.version + 1) {
    throw new PatchcastError(
      'CONFLICT',
      `targets version ${next.version} does not follow the current version ${current.version}`,
      {
        hint: 'publish again: the CLI rebuilds on the newest targets metadata',
      },
    );
  }
  if (Date.parse(next.expires) <= deps.now().getTime()) {
    throw invalid(`targets metadata already expired at ${next.expires}`);
  }
  for (const [path, info] of Object.entries(current.targets)) checkKept(path, info, next);
  for (const [path, info] of Object.entries(next.targets)) {
    if (current.targets[path] === undefined) await checkNewTarget(path, info, deps, scope, next);
  }
  await checkDelegationChanges(current, next, deps, scope);
}

/** A published target stays, with the same bytes and metadata; it may only become withdrawn. */
function checkKept(path: string, info: TargetFile, next: Targets): void {
  const now = next.targets[path];
  if (
    now === undefined ||
    now.length !== info.length ||
    now.hashes.sha256 !== info.hashes.sha256 ||
    changedBeyondWithdrawal(info, now)
  ) {
    throw new PatchcastError(
      'CONFLICT',
      `target ${path} is already published with other contents`,
      {
        hint: 'a published name@version never changes: publish a new version',
      },
    );
  }
  const before = withdrawalOf(info);
  const after = readWithdrawal(path, now);
  if (before !== undefined && (after === undefined || canonicalize(after) !== canonicalize(before)))
    throw new PatchcastError(
      'CONFLICT',
      `target ${path} was withdrawn (${before.reason}); a withdrawal is never undone or changed`,
      { hint: 'publish a new version instead' },
    );
}

/** The withdrawal `info` carries; a malformed one is METADATA_INVALID. */
function readWithdrawal(path: string, info: TargetFile) {
  try {
    return withdrawalOf(info);
  } catch (error) {
    throw invalid(`target ${path}: ${(error as Error).message}`);
  }
}

async function checkNewTarget(
  path: string,
  info: TargetFile,
  deps: PolicyDeps,
  scope: UpdateScope,
  next: Targets,
): Promise<void> {
  if (deltaOfTargetPath(path) !== undefined) checkDeltaLink(path, info, next);
  else if (patchOfTargetPath(path) === undefined)
    throw invalid(`target path ${path} is not <name>/<version>/bundle.tar or a delta`);
  if (readWithdrawal(path, info) !== undefined)
    throw invalid(`target ${path} is new and already withdrawn; publish it, then withdraw it`);
  if (scope.role !== undefined && !isDelegatedPath(scope.role, path)) {
    throw new PatchcastError(
      'DELEGATION_PATH_DENIED',
      `role ${scope.role.name} may publish only under ${(scope.role.paths ?? []).join(', ')}, not ${path}`,
    );
  }
  const elsewhere = await findPublished(deps.store, scope.top, path);
  if (elsewhere !== undefined) {
    throw new PatchcastError(
      'CONFLICT',
      `target ${path} is already published by ${elsewhere.role}`,
      {
        hint: 'a published name@version never changes: publish a new version',
      },
    );
  }
  const artifact = await deps.store.getArtifact(info.hashes.sha256);
  if (
    artifact === undefined ||
    artifact.length !== info.length ||
    !(await deps.artifacts.has(info.hashes.sha256))
  ) {
    throw invalid(
      `target ${path}: no uploaded artifact with sha256 ${info.hashes.sha256} and length ${info.length}`,
    );
  }
}

async function checkDelegationChanges(
  current: Targets,
  next: Targets,
  deps: PolicyDeps,
  scope: UpdateScope,
): Promise<void> {
  if (scope.role !== undefined) {
    if (next.delegations !== undefined)
      throw invalid(`role ${scope.role.name} may not delegate further (one level only)`);
    return;
  }
  if (next.delegations !== undefined) checkDelegations(next.delegations);
  for (const role of next.delegations?.roles ?? []) {
    if (scope.requirePq === true && role[PQ_ROLE_FIELD] === undefined)
      throw new PatchcastError(
        'DELEGATION_INVALID',
        `role ${role.name} has no ML-DSA-65 keys; agents of this hybrid repository would refuse it`,
        { hint: 'delegate to hybrid keys (patchcast keys generate makes them)' },
      );
  }
  await checkStillReachable(deps.store, current, next);
  await checkStillSigned(deps.store, next);
}

/** A role's published metadata must still verify under the keys the new delegations name. */
async function checkStillSigned(store: Store, next: Targets): Promise<void> {
  const delegations = next.delegations;
  for (const role of delegations?.roles ?? []) {
    const published = await loadDelegated(store, role.name);
    if (delegations === undefined || published === undefined) continue;
    try {
      verifyDelegatedThreshold(published, delegations, role, 'targets');
    } catch (error) {
      throw new PatchcastError(
        'DELEGATION_INVALID',
        `role ${role.name}'s published metadata v${published.signed.version} would no longer verify: ${(error as Error).message}`,
        { hint: "keep the keys that signed the role's published metadata in its delegation" },
      );
    }
  }
}

/**
 * A delta target links a base bundle and its result, the bundle of the same name and version, by
 * hash and length, both in the same role's metadata (docs/protocol/delta.md §2).
 */
function checkDeltaLink(path: string, info: TargetFile, next: Targets): void {
  const link = readDeltaLink(path, info);
  const delta = deltaOfTargetPath(path);
  const result = delta === undefined ? undefined : next.targets[targetPathOf(delta.ref)];
  const mismatch = deltaLinkMismatch(path, link, result);
  if (mismatch !== undefined) throw invalid(mismatch);
  const base = delta === undefined ? undefined : { ...delta.ref, version: link.base.version };
  const baseInfo = base === undefined ? undefined : next.targets[targetPathOf(base)];
  if (baseInfo?.hashes.sha256 !== link.base.sha256 || baseInfo.length !== link.base.length)
    throw invalid(
      `delta ${path}: its base is not the published bundle of version ${link.base.version}`,
    );
}

function readDeltaLink(path: string, info: TargetFile) {
  try {
    return deltaLinkOf(path, info);
  } catch (error) {
    throw invalid((error as Error).message);
  }
}

function invalid(message: string): PatchcastError {
  return new PatchcastError('METADATA_INVALID', message);
}

/** Submitted targets metadata, parsed (METADATA_INVALID when malformed). */
export function parseSubmitted(bytes: Uint8Array) {
  try {
    return parseEnvelope('targets', bytes);
  } catch (error) {
    throw new PatchcastError(
      'METADATA_INVALID',
      `targets metadata is malformed: ${(error as Error).message}`,
    );
  }
}

export function conflictWith(message: string, again: string): PatchcastError {
  return new PatchcastError('CONFLICT', message, { hint: `run patchcast ${again} again` });
}

/** Targets changed under a submission: publish again on the newest. */
export function conflict(version: number): PatchcastError {
  return new PatchcastError(
    'CONFLICT',
    `targets metadata changed concurrently (now past version ${version})`,
    {
      hint: 'publish again: the CLI rebuilds on the newest targets metadata',
    },
  );
}
