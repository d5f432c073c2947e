/**
 * What an agent refuses to install although signed metadata names it (ADR 0017): a version its
 * publisher withdrew (PATCH_WITHDRAWN, read from the verified target's custom metadata), and a
 * version lower than the one installed of the same patch unless the rollout allows a downgrade
 * (PATCH_DOWNGRADE_REFUSED). Both are checked before anything is downloaded or touched.
 */
import { PatchcastError, comparePatchVersions } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { formatPatchRef, withdrawalOf, withdrawnError } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';

export interface InstalledVersion {
  readonly name: string;
  readonly version: string;
}

/** Refuses a downgrade below the installed version of the same patch name, unless allowed. */
export function checkNotDowngrade(
  ref: PatchRef,
  installed: readonly InstalledVersion[],
  allowDowngrade: boolean,
): void {
  const current = installed.find((p) => p.name === ref.name);
  if (allowDowngrade || current === undefined) return;
  if (comparePatchVersions(current.version, ref.version) > 0)
    throw new PatchcastError(
      'PATCH_DOWNGRADE_REFUSED',
      `${formatPatchRef(ref)} is lower than the installed ${current.version}; nothing was changed`,
      { hint: 'start the rollout with --allow-downgrade to downgrade on purpose' },
    );
}

/** Refuses a target whose verified metadata says it was withdrawn. */
export function checkNotWithdrawn(ref: PatchRef, info: TargetFile): void {
  const withdrawal = withdrawalOf(info);
  if (withdrawal !== undefined) throw withdrawnError(ref, withdrawal);
}
