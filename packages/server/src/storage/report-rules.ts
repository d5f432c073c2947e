/** Rules every Store adapter applies the same way, kept in one place so adapters cannot drift. */
import { PatchcastError } from '@patchcast/core';
import { DEVICE_STATES, FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { DeviceState } from '@patchcast/protocol';
import type { CheckpointRecord, LogEntryRecord } from './store.js';

/** States only move forward; a final state never changes. */
export function isForward(from: DeviceState, to: DeviceState): boolean {
  if (FINAL_DEVICE_STATES.includes(from)) return false;
  const rank = (s: DeviceState) => Math.min(DEVICE_STATES.indexOf(s), 4);
  return rank(to) >= rank(from);
}

/** A log batch must start at the stored size, be contiguous, and its checkpoint cover it exactly. */
export function checkLogBatch(
  first: number,
  entries: readonly LogEntryRecord[],
  checkpoint: CheckpointRecord,
): void {
  const contiguous = entries.every((e, i) => e.index === first + i);
  if (!contiguous || checkpoint.size !== first + entries.length) {
    throw new PatchcastError(
      'CONFLICT',
      `log batch does not extend the stored log of ${first} entries`,
    );
  }
}
