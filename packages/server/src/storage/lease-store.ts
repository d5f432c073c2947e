/**
 * Leases with fencing tokens (cluster/, ADR 0014): which node drives which rollout. A lease has
 * one holder until it expires; whenever it changes hands its token grows by one, and a write made
 * under a lease is refused once the token moved on (a node that stalled past its lease can no
 * longer change what its successor drives). Times are ISO 8601 UTC strings from the nodes' clocks.
 */
import type { RolloutState } from '@patchcast/protocol';

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
  /** The fencing check: whether `token` is still the lease's token. */
  isCurrent(name: string, token: number): Promise<boolean>;
  /**
   * A fenced write: ends an in-progress rollout with `state` only while lease `name` still has
   * `token`, atomically with that check. True when it did.
   */
  completeRollout(
    name: string,
    token: number,
    rolloutId: string,
    state: RolloutState,
    at: string,
  ): Promise<boolean>;
}
