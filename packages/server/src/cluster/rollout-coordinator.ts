/**
 * Decides which node drives which rollout (ADR 0014). Every node claims the lease of every
 * in-progress rollout at a third of the lease time; the holder renews it, drives the rollout
 * (planned rollouts through the RolloutDriver, plain ones by completing them once every device
 * is final) and makes each of those writes under the lease's fencing token. When a node dies its
 * leases expire and the next claim of another node takes the rollouts over, sends their open
 * notices again, and finishes what the dead node left.
 */
import { FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { Store } from '../storage/store.js';
import type { Bus, BusEvents, RolloutEventKind } from '../bus/bus.js';
import type { EventLog } from '../features/log/log-events.js';
import { pendingEntries } from '../features/log/log-events.js';
import { rolloutNotice } from '../features/rollouts/rollout-notice.js';
import { leaseName } from './rollout-leases.js';
import type { RolloutLeases } from './rollout-leases.js';

/** The part of the RolloutDriver (features/rollouts) that a lease wraps. */
export interface LeasedDriver {
  start(rolloutId: string): Promise<void>;
  stop(rolloutId?: string): void;
  has(rolloutId: string): boolean;
  runningIds(): string[];
}

/** The app's RolloutService: the driver applies what other nodes journaled for a rollout. */
export interface JournalCatchUp {
  catchUp(rolloutId: string): Promise<void>;
}

export interface CoordinatorDeps {
  /** The unfenced store: the coordinator passes its own lease's fence to its writes. */
  readonly store: Store;
  readonly bus: Bus;
  readonly log: EventLog;
  readonly leases: RolloutLeases;
  readonly driver: LeasedDriver;
  /** Planned rollouts: inputs journaled on other nodes reach the engine driven here. */
  readonly journal?: JournalCatchUp;
  readonly now: () => Date;
  readonly leaseMs: number;
  readonly onError: (error: unknown) => void;
}

export class RolloutCoordinator {
  readonly #deps: CoordinatorDeps;
  readonly #checks = new Map<string, Promise<void>>();
  readonly #unsubscribe: () => void;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();
  #stopped = false;
  #busWasDegraded = false;

  constructor(deps: CoordinatorDeps) {
    this.#deps = deps;
    const unsubscribe = [
      deps.bus.subscribe('device-result', (event) => this.#onResult(event)),
      deps.bus.subscribe('device-health', (event) => this.#onHealth(event)),
    ];
    this.#unsubscribe = () => unsubscribe.forEach((stop) => stop());
  }

  /** Claims at once, then every third of the lease time. */
  start(): Promise<void> {
    this.#ticking = this.tick();
    this.#schedule();
    return this.#ticking;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe();
    await this.#ticking;
    await Promise.all(this.#checks.values());
    const { leases, driver } = this.#deps;
    for (const id of leases.ids()) {
      driver.stop(id);
      await leases.release(id).catch(this.#deps.onError);
    }
  }

  /** One round: claim or renew every in-progress rollout, let go of the others. */
  async tick(): Promise<void> {
    const { store, leases, driver } = this.#deps;
    const recovered = this.#busRecovered();
    try {
      const active = await store.listRollouts('in-progress');
      const ids = new Set(active.map((r) => r.id));
      for (const rollout of active) await this.#claim(rollout.id);
      for (const id of leases.ids()) if (!ids.has(id)) await this.#letGo(id, true);
      if (recovered) for (const id of leases.ids()) await this.#noticeAfterOutage(id);
    } catch (error) {
      this.#deps.onError(error);
    }
    for (const id of driver.runningIds()) if (leases.token(id) === undefined) driver.stop(id);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.tick().finally(() => this.#schedule());
    }, this.#deps.leaseMs / 3);
    this.#timer.unref();
  }

  async #claim(rolloutId: string): Promise<void> {
    const { leases } = this.#deps;
    const before = leases.token(rolloutId);
    const token = await leases.claim(rolloutId);
    if (token === undefined) {
      if (before !== undefined) await this.#letGo(rolloutId, false);
      return;
    }
    if (token !== before) await this.#takeOver(rolloutId, token);
    await this.#check(rolloutId);
  }

  /** A lease just came to this node: drive the rollout from its stored state. */
  async #takeOver(rolloutId: string, token: number): Promise<void> {
    const { driver } = this.#deps;
    await driver.start(rolloutId);
    await this.#event(rolloutId, 'taken-over', `${token}`);
    if (token > 1 && !driver.has(rolloutId)) await this.#noticeOpen(rolloutId);
  }

  async #letGo(rolloutId: string, release: boolean): Promise<void> {
    const { driver, leases } = this.#deps;
    driver.stop(rolloutId);
    if (release) await leases.release(rolloutId);
    else leases.forget(rolloutId);
  }

  /** True once when the bus is healthy again after it was degraded. */
  #busRecovered(): boolean {
    const degraded = this.#deps.bus.health().state === 'degraded';
    const recovered = this.#busWasDegraded && !degraded;
    this.#busWasDegraded = degraded;
    return recovered;
  }

  /**
   * Notices published while the bus was degraded reached this node's agents only: the rollouts
   * this node drives tell their open devices again, wherever they are connected.
   */
  async #noticeAfterOutage(rolloutId: string): Promise<void> {
    if (this.#deps.leases.token(rolloutId) === undefined) return;
    if (this.#deps.driver.has(rolloutId)) return; // a planned rollout's driver sends its own
    await this.#noticeOpen(rolloutId);
  }

  /** Devices whose assignment is not final are told again (a notice is only a hint). */
  async #noticeOpen(rolloutId: string): Promise<void> {
    const { store, bus } = this.#deps;
    const rollout = await store.getRollout(rolloutId);
    const open = (await store.assignments(rolloutId)).filter(
      (a) => !FINAL_DEVICE_STATES.includes(a.state),
    );
    if (rollout === undefined || open.length === 0) return;
    await bus.publish(
      'notice',
      rolloutNotice(
        rollout,
        open.map((a) => a.deviceId),
      ),
    );
  }

  /**
   * A report stored on some node. For a planned rollout driven here, one stored elsewhere
   * journaled its engine input there: the driver applies the journal. A plain rollout may now
   * be complete.
   */
  async #onResult(event: BusEvents['device-result']): Promise<void> {
    await this.#catchUpFrom(event.node, event.rolloutId);
    await this.#check(event.rolloutId);
  }

  /** A control device's health journaled on another node, for the engine driven here. */
  #onHealth(event: BusEvents['device-health']): Promise<void> {
    return this.#catchUpFrom(event.node, event.rolloutId);
  }

  /**
   * Applies the journal when this node drives the rollout. Also for an input journaled on this
   * very node: one stored while this node was still taking the rollout over (its driver not yet
   * running) may have missed the resume's read of the journal, and a plain rollout has no timer
   * that would apply it later. Inputs already applied are skipped (the journal is read after the
   * engine's last sequence number).
   */
  async #catchUpFrom(_node: string, rolloutId: string): Promise<void> {
    const { leases, driver, journal } = this.#deps;
    if (leases.token(rolloutId) === undefined) return;
    if (driver.has(rolloutId)) await journal?.catchUp(rolloutId);
  }

  /** Completion checks, one at a time per rollout. */
  #check(rolloutId: string): Promise<void> {
    const run = (this.#checks.get(rolloutId) ?? Promise.resolve())
      .then(() => this.#complete(rolloutId))
      .catch(this.#deps.onError);
    this.#checks.set(rolloutId, run);
    void run.then(() => {
      if (this.#checks.get(rolloutId) === run) this.#checks.delete(rolloutId);
    });
    return run;
  }

  /** A plain rollout whose devices are all final ends, under the fencing token, logged once. */
  async #complete(rolloutId: string): Promise<void> {
    const { store, leases, driver, log, now } = this.#deps;
    const token = leases.token(rolloutId);
    if (token === undefined || driver.has(rolloutId)) return;
    const counts = await store.rolloutEngine.assignmentCounts(rolloutId);
    if (counts.open > 0) return;
    if ((await store.rolloutEngine.load(rolloutId)) !== undefined) return; // its engine decides
    const state = counts.unsuccessful > 0 ? 'completed-with-failures' : 'completed';
    const at = now().toISOString();
    const logged = pendingEntries([{ type: 'rollout-completed', at, rolloutId, state }]);
    const fence = { lease: leaseName(rolloutId), token };
    if (!(await store.completeRollout(rolloutId, { state, at, logged, fence }))) return;
    await log.sequencePending();
    await this.#event(rolloutId, 'completed', 'done');
    await leases.release(rolloutId);
  }

  async #event(rolloutId: string, kind: RolloutEventKind, suffix: string): Promise<void> {
    const { bus, leases, now } = this.#deps;
    await bus.publish('rollout-event', {
      id: `${rolloutId}:${kind}:${suffix}`,
      rolloutId,
      kind,
      node: leases.nodeId,
      at: now().toISOString(),
    });
  }
}
