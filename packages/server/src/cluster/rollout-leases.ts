/**
 * This node's rollout leases (ADR 0014): taking and renewing them in the lease store, the fencing
 * token of each, and until when the node may trust a lease without renewing it. The coordinator
 * claims leases; the fenced store puts their tokens into every write of the rollout driver.
 */
import { leaseLost } from '../storage/lease-store.js';
import type { LeaseFence, LeaseStore } from '../storage/lease-store.js';

export const leaseName = (rolloutId: string): string => `rollout:${rolloutId}`;

export interface RolloutLeasesDeps {
  readonly store: LeaseStore;
  readonly nodeId: string;
  /** How long a lease lasts after each renewal. */
  readonly leaseMs: number;
  readonly now: () => Date;
}

interface Held {
  readonly token: number;
  /** Local time (ms) after which the lease may have passed to another node. */
  readonly trustUntil: number;
}

export class RolloutLeases {
  readonly #deps: RolloutLeasesDeps;
  readonly #held = new Map<string, Held>();

  constructor(deps: RolloutLeasesDeps) {
    this.#deps = deps;
  }

  get nodeId(): string {
    return this.#deps.nodeId;
  }

  /** The token of a lease this node holds and may still trust; undefined otherwise. */
  token(rolloutId: string): number | undefined {
    const held = this.#held.get(rolloutId);
    return held !== undefined && held.trustUntil > this.#deps.now().getTime()
      ? held.token
      : undefined;
  }

  /** Rollouts this node took a lease on, trusted or not. */
  ids(): string[] {
    return [...this.#held.keys()];
  }

  /**
   * Takes or renews the lease; returns its token, or undefined while another node holds it.
   * Trust ends a fifth of the lease before its expiry, measured from before the request, so that
   * a slow database or a small clock skew cannot leave two nodes trusting one lease.
   */
  async claim(rolloutId: string): Promise<number | undefined> {
    const { store, nodeId, leaseMs, now } = this.#deps;
    const start = now().getTime();
    const expiresAt = new Date(start + leaseMs).toISOString();
    const lease = await store.acquire(
      leaseName(rolloutId),
      nodeId,
      new Date(start).toISOString(),
      expiresAt,
    );
    if (lease === undefined) {
      this.#held.delete(rolloutId);
      return undefined;
    }
    this.#held.set(rolloutId, { token: lease.token, trustUntil: start + (leaseMs * 4) / 5 });
    return lease.token;
  }

  /**
   * The fence of a write about the rollout: the lease held here (a rollout nobody leases yet is
   * taken by its first writer). The store checks its token in the write's own statement.
   */
  async fence(rolloutId: string): Promise<LeaseFence> {
    const token = this.token(rolloutId) ?? (await this.claim(rolloutId));
    if (token === undefined) throw leaseLost(rolloutId);
    return { lease: leaseName(rolloutId), token };
  }

  async release(rolloutId: string): Promise<void> {
    const held = this.#held.get(rolloutId);
    this.#held.delete(rolloutId);
    if (held === undefined) return;
    const { store, nodeId, now } = this.#deps;
    await store.release(leaseName(rolloutId), nodeId, held.token, now().toISOString());
  }

  forget(rolloutId: string): void {
    this.#held.delete(rolloutId);
  }
}
