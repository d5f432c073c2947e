/** The fencing clause of the SQLite stores still on better-sqlite3 (`?` placeholders). */
import type { LeaseFence } from '../lease-store.js';

/**
 * The fencing condition of a write under a lease (ADR 0014), for a WHERE clause; its two
 * parameters come from `fenceParams` (no fence: NULL, and the condition holds).
 */
export const FENCE_CLAUSE =
  '(? IS NULL OR EXISTS (SELECT 1 FROM leases WHERE name = ? AND token = ?))';

export function fenceParams(fence: LeaseFence | undefined): (string | number | null)[] {
  return fence === undefined ? [null, null, null] : [fence.lease, fence.lease, fence.token];
}
