/**
 * Leases with fencing tokens (cluster/, ADR 0014): which node drives which rollout. A lease has
 * one holder until it expires; whenever it changes hands its token grows by one, and a write made
 * under a lease is refused once the token moved on (a node that stalled past its lease can no
 * longer change what its successor drives). Times are ISO 8601 UTC strings from the nodes' clocks.
 */
import { PatchcastError } from '@patchcast/core';

export interface LeaseRecord {
  readonly name: string;
  readonly holder: string;
  /** Grows by one each time the lease changes hands; never reused. */
  readonly token: number;
  readonly expiresAt: string;
}

export interface LeaseStore {
  /**
   * Takes the lease when it is free or expired (a new token), or renews it when `holder` holds
   * it (the same token). Undefined while another holder's lease is unexpired at `now`.
   */
  acquire(
    name: string,
    holder: string,
    now: string,
    expiresAt: string,
  ): Promise<LeaseRecord | undefined>;
  /** Lets the lease expire now if `holder` still holds it with `token`. */
  release(name: string, holder: string, token: number, now: string): Promise<void>;
  get(name: string): Promise<LeaseRecord | undefined>;
}

/**
 * A write made under a lease: it lands only while lease `lease` still has `token`, checked in the
 * write's own statement (with the lease row locked until the transaction ends on PostgreSQL), so
 * a takeover cannot slip in between a check and the write (ADR 0014).
 */
export interface LeaseFence {
  readonly lease: string;
  readonly token: number;
}

/** The refusal of a write under a lease that this node does not hold, or that moved on. */
export function leaseLost(rolloutId: string, fence?: LeaseFence): PatchcastError {
  const why =
    fence === undefined
      ? 'another node holds its lease'
      : `lease ${fence.lease} no longer has token ${fence.token}`;
  return new PatchcastError('LEASE_LOST', `write for rollout ${rolloutId} refused: ${why}`, {
    hint: 'another node drives this rollout now; nothing to do',
  });
}
