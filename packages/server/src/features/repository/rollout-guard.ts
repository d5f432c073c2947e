/**
 * What the repository allows a rollout to install (ADR 0017): a published version, never a
 * withdrawn one (PATCH_WITHDRAWN with the publisher's reason), and, unless the operator allows it,
 * never below the version the server's record says is installed on a targeted device
 * (PATCH_DOWNGRADE_REFUSED; the record follows installs and rollbacks, ADR 0015). Agents check
 * both again against signed metadata and their own state.
 */
import { PatchcastError, comparePatchVersions } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { formatPatchRef, targetPathOf, withdrawalOf, withdrawnError } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';

/** The version of the patch in force on one device (Store.deviceResults.installed). */
export interface InstalledVersion {
  readonly deviceId: string;
  /** The device's name, for messages. */
  readonly device: string;
  readonly version: string;
}

export interface RolloutPermission {
  /**
   * The devices the rollout targets; asked only once the patch is known to be rollable, so an
   * unpublished patch is reported before a selector that matches nothing.
   */
  readonly deviceIds: () => Promise<readonly string[]>;
  /** The operator allows installing below a device's installed version. */
  readonly allowDowngrade?: boolean | undefined;
}

/** A device that has a higher version of the patch than the rollout installs. */
export interface Downgrade {
  readonly device: string;
  readonly installed: string;
}

/** Throws unless the rollout may start; returns the patch's target path. */
export async function checkRolloutAllowed(
  patch: PatchRef,
  info: TargetFile | undefined,
  installed: () => Promise<readonly InstalledVersion[]>,
  permission: RolloutPermission,
): Promise<string> {
  if (info === undefined)
    throw new PatchcastError('NOT_FOUND', `${formatPatchRef(patch)} is not published`, {
      hint: 'publish it first with `patchcast publish`',
    });
  const withdrawal = withdrawalOf(info);
  if (withdrawal !== undefined) throw withdrawnError(patch, withdrawal);
  const targeted = await permission.deviceIds();
  const downgrades = downgradesOf(patch, await installed(), targeted);
  const [first] = downgrades;
  if (first !== undefined && permission.allowDowngrade !== true)
    throw new PatchcastError(
      'PATCH_DOWNGRADE_REFUSED',
      `${formatPatchRef(patch)} is lower than what ${downgrades.length} targeted device(s) have installed (${first.device} has ${first.installed})`,
      { hint: 'roll out a newer version, or pass --allow-downgrade to downgrade on purpose' },
    );
  return targetPathOf(patch);
}

/** The targeted devices where a higher version of the patch is in force. */
export function downgradesOf(
  patch: PatchRef,
  installed: readonly InstalledVersion[],
  deviceIds: readonly string[],
): Downgrade[] {
  const targeted = new Set(deviceIds);
  return installed.flatMap((entry) =>
    targeted.has(entry.deviceId) && comparePatchVersions(entry.version, patch.version) > 0
      ? [{ device: entry.device, installed: entry.version }]
      : [],
  );
}

/** The server's record of what is installed of patch `name`, by device (ADR 0015). */
export async function installedVersions(store: Store, name: string): Promise<InstalledVersion[]> {
  const names = new Map((await store.rolloutEngine.fleet()).map((d) => [d.id, d.name]));
  return (await store.deviceResults.installed(name)).map((r) => ({
    deviceId: r.deviceId,
    device: names.get(r.deviceId) ?? r.deviceId,
    version: r.version,
  }));
}
