/**
 * Rollbacks undo installs newest first (ADR 0015). An agent's undo of a rollout puts back the
 * files from before that rollout's install; where a later rollout installed the same patch over
 * it, that would mix versions on disk. So a rollback of such a rollout is refused
 * (ROLLOUT_NEWER_INSTALLED, naming the later rollout), and `--cascade` rolls back the later
 * rollouts first, one at a time, newest first, each step chosen from the server's record of the
 * install in force per device (Store.deviceResults.installed).
 */
import { PatchcastError } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol';
import type { InstalledRecord } from '../../storage/device-results-store.js';
import type { RolloutRecord, Store } from '../../storage/store.js';

/** The installs in force over `rollout`'s own, on the devices where it is installed. */
export async function newerInstalls(
  store: Store,
  rollout: RolloutRecord,
): Promise<InstalledRecord[]> {
  const mine = new Set(
    (await store.assignments(rollout.id))
      .filter((a) => a.state === 'installed')
      .map((a) => a.deviceId),
  );
  if (mine.size === 0) return [];
  const inForce = await store.deviceResults.installed(rollout.patch.name);
  return inForce.filter((r) => mine.has(r.deviceId) && r.rolloutId !== rollout.id);
}

/** Throws ROLLOUT_NEWER_INSTALLED when a later install is in force over the rollout's. */
export async function assertNewestInstall(store: Store, rollout: RolloutRecord): Promise<void> {
  const newer = await newerInstalls(store, rollout);
  if (newer.length > 0) throw newerInstalledError(rollout, newer);
}

function newest(records: readonly InstalledRecord[]): InstalledRecord | undefined {
  return records.reduce<InstalledRecord | undefined>(
    (best, r) => (best === undefined || r.seq > best.seq ? r : best),
    undefined,
  );
}

export function newerInstalledError(
  rollout: RolloutRecord,
  newer: readonly InstalledRecord[],
): PatchcastError {
  const top = newest(newer);
  const later = [...new Set(newer.map((r) => r.rolloutId))];
  const what = top === undefined ? '' : `${rollout.patch.name}@${top.version}`;
  const others = later.length > 1 ? ` (and ${later.length - 1} other later rollout(s))` : '';
  return new PatchcastError(
    'ROLLOUT_NEWER_INSTALLED',
    `rollout ${rollout.id} (${formatPatchRef(rollout.patch)}) cannot be rolled back: on ${newer.length} of its device(s) ${what} of the later rollout ${top?.rolloutId ?? '?'}${others} is installed over it, and undoing ${rollout.id} there would mix files of both versions`,
    {
      hint: `roll back ${top?.rolloutId ?? 'the later rollout'} first, or all of them newest first: \`patchcast rollout rollback ${rollout.id} --cascade\``,
    },
  );
}

/**
 * The rollout a cascade must roll back now: the newest install in force over `rollout`, or over
 * that one, and so on; `rollout` itself once nothing is installed over it.
 */
export async function cascadeStep(store: Store, rollout: RolloutRecord): Promise<RolloutRecord> {
  let target = rollout;
  const seen = new Set([rollout.id]);
  for (;;) {
    const top = newest(await newerInstalls(store, target));
    if (top === undefined) return target;
    const next = await store.getRollout(top.rolloutId);
    if (next === undefined || seen.has(next.id))
      throw new PatchcastError(
        'ROLLOUT_NEWER_INSTALLED',
        `rollouts ${[...seen].join(', ')} installed ${rollout.patch.name} in a different order on different devices; no rollback order undoes them without mixing versions`,
        { hint: 'roll back the newest install per device by hand: see `patchcast devices --json`' },
      );
    seen.add(next.id);
    target = next;
  }
}
