/**
 * What the repository allows a rollout to install (ADR 0017): a published version, never a
 * withdrawn one (PATCH_WITHDRAWN with the publisher's reason), and, unless the operator allows it,
 * never below the version a targeted device reports installed (PATCH_DOWNGRADE_REFUSED). Agents
 * check both again against signed metadata and their own state.
 */
import { PatchcastError, comparePatchVersions } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { formatPatchRef, targetPathOf, withdrawalOf, withdrawnError } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import type { DeviceRecord } from '../../storage/store.js';

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
  devices: () => Promise<readonly DeviceRecord[]>,
  permission: RolloutPermission,
): Promise<string> {
  if (info === undefined)
    throw new PatchcastError('NOT_FOUND', `${formatPatchRef(patch)} is not published`, {
      hint: 'publish it first with `patchcast publish`',
    });
  const withdrawal = withdrawalOf(info);
  if (withdrawal !== undefined) throw withdrawnError(patch, withdrawal);
  const targeted = await permission.deviceIds();
  const downgrades = downgradesOf(patch, await devices(), targeted);
  const [first] = downgrades;
  if (first !== undefined && permission.allowDowngrade !== true)
    throw new PatchcastError(
      'PATCH_DOWNGRADE_REFUSED',
      `${formatPatchRef(patch)} is lower than what ${downgrades.length} targeted device(s) have installed (${first.device} has ${first.installed})`,
      { hint: 'roll out a newer version, or pass --allow-downgrade to downgrade on purpose' },
    );
  return targetPathOf(patch);
}

/** The targeted devices whose reported inventory holds a higher version of the patch. */
export function downgradesOf(
  patch: PatchRef,
  devices: readonly DeviceRecord[],
  deviceIds: readonly string[],
): Downgrade[] {
  const targeted = new Set(deviceIds);
  return devices.flatMap((device) => {
    if (!targeted.has(device.id)) return [];
    const installed = device.inventory.installed.find((p) => p.name === patch.name);
    return installed !== undefined && comparePatchVersions(installed.version, patch.version) > 0
      ? [{ device: device.name, installed: installed.version }]
      : [];
  });
}
