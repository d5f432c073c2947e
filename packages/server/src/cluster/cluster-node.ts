/**
 * What makes a server node one of several (--bus nats://...): rollout leases, the fenced store
 * the app writes through, and the coordinator that claims and renews the leases (ADR 0014).
 */
import type { Store } from '../storage/store.js';
import type { Bus } from '../bus/bus.js';
import type { EventLog } from '../features/log/log-events.js';
import { RolloutLeases } from './rollout-leases.js';
import { fencedStore } from './fenced-store.js';
import { RolloutCoordinator } from './rollout-coordinator.js';
import type { JournalCatchUp, LeasedDriver } from './rollout-coordinator.js';

/** Plain rollouts only: nothing to start or stop. */
const NO_DRIVER: LeasedDriver = {
  start: () => Promise.resolve(),
  stop: () => undefined,
  has: () => false,
  runningIds: () => [],
};

export interface ClusterNodeDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly log: EventLog;
  readonly now: () => Date;
  readonly leaseMs: number;
}

export class ClusterNode {
  readonly #deps: ClusterNodeDeps;
  readonly leases: RolloutLeases;
  /** The store for the app: the rollout driver's writes pass the lease fence. */
  readonly store: Store;
  #coordinator: RolloutCoordinator | undefined;
  #onError: (error: unknown) => void = () => undefined;

  constructor(deps: ClusterNodeDeps) {
    this.#deps = deps;
    this.leases = new RolloutLeases({
      store: deps.store.leases,
      nodeId: deps.bus.nodeId,
      leaseMs: deps.leaseMs,
      now: deps.now,
    });
    this.store = fencedStore(deps.store, this.leases, (rolloutId) => this.#created(rolloutId));
  }

  /** Claims leases now and keeps claiming; `rollouts.driver` drives planned rollouts. */
  start(
    rollouts: { readonly driver?: LeasedDriver } & Partial<JournalCatchUp>,
    onError: (error: unknown) => void,
  ): Promise<void> {
    const driver = rollouts.driver ?? NO_DRIVER;
    this.#onError = onError;
    this.#coordinator = new RolloutCoordinator({
      ...this.#deps,
      leases: this.leases,
      driver,
      ...(rollouts.catchUp === undefined ? {} : { journal: rollouts as JournalCatchUp }),
      onError,
    });
    return this.#coordinator.start();
  }

  /** Tells the other nodes that this node created a rollout and holds its lease. */
  #created(rolloutId: string): void {
    const { bus, now } = this.#deps;
    const token = this.leases.token(rolloutId) ?? 0;
    void bus
      .publish('rollout-event', {
        id: `${rolloutId}:created:${token}`,
        rolloutId,
        kind: 'created',
        node: bus.nodeId,
        at: now().toISOString(),
      })
      .catch((error: unknown) => this.#onError(error));
  }

  /** Stops driving and releases this node's leases, so another node takes over at once. */
  async stop(): Promise<void> {
    await this.#coordinator?.stop();
  }
}
