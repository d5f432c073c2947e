/**
 * `GET /api/v1/patches`: the patches in force in every targets role, by name, each version's
 * state (withdrawn with its reason, from signed metadata), its fixes (the bundle manifest) and
 * when the transparency log recorded its publication.
 */
import { comparePatchVersions } from '@patchcast/core';
import { parseLogEntry, patchOfTargetPath, withdrawalOf } from '@patchcast/protocol';
import type { PatchListing, PatchRef, PatchVersion, PatchesResponse } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { PatchFixes } from '../vulns/patch-fixes.js';
import { patchSubject } from '../log/log-events.js';
import type { TargetInForce } from './repository-view.js';

export interface ListingDeps {
  readonly store: Store;
  readonly fixes: Pick<PatchFixes, 'fixesOf'>;
}

export async function listPatches(
  targets: readonly TargetInForce[],
  deps: ListingDeps,
): Promise<PatchesResponse> {
  const byName = new Map<string, PatchVersion[]>();
  for (const target of targets) {
    const ref = patchOfTargetPath(target.path);
    if (ref === undefined) continue;
    const list = byName.get(ref.name) ?? [];
    list.push(await versionOf(ref, target, deps));
    byName.set(ref.name, list);
  }
  const patches: PatchListing[] = [...byName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, versions]) => ({
      name,
      versions: versions.sort((a, b) => comparePatchVersions(b.version, a.version)),
    }));
  return { patches };
}

async function versionOf(
  ref: PatchRef,
  target: TargetInForce,
  deps: ListingDeps,
): Promise<PatchVersion> {
  const withdrawn = withdrawalOf(target.info) ?? null;
  return {
    version: ref.version,
    state: withdrawn === null ? 'published' : 'withdrawn',
    withdrawn,
    role: target.role ?? null,
    sha256: target.info.hashes.sha256,
    length: target.info.length,
    publishedAt: await publishedAt(deps.store, ref),
    fixes: [...(await deps.fixes.fixesOf(target.info.hashes.sha256))].map((fix) => ({
      ...fix,
      advisories: [...fix.advisories],
    })),
  };
}

/** The time of the log's patch-published entry for `ref`; null if the log has none. */
async function publishedAt(store: Store, ref: PatchRef): Promise<string | null> {
  const entry = await store.log.findBySubject(patchSubject(ref));
  const event = entry === undefined ? undefined : parseLogEntry(entry.leaf);
  return event?.type === 'patch-published' ? event.at : null;
}
