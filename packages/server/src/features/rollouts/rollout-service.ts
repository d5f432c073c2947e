/** Rollouts: which devices must install which patch, and what they reported. */
import { PatchcastError, selectDevices } from '@patchcast/core';
import type { FleetDevice } from '@patchcast/core';
import { targetable } from '../../storage/rollout-engine-store.js';
import { FINAL_DEVICE_STATES, assertPatchRef } from '@patchcast/protocol';
import type { CreateRolloutRequest, HealthMessage, Report, Rollout } from '@patchcast/protocol';
import type { ReportOutcome, RolloutRecord, Store } from '../../storage/store.js';
import type { Bus, BusEvents } from '../../bus/bus.js';
import type { RepositoryService } from '../repository/repository-service.js';
import type { EventLog } from '../log/log-events.js';
import { deviceResultEvents, pendingEntries } from '../log/log-events.js';
import { PlannedRollouts } from './planned-rollouts.js';
import { RolloutReports } from './rollout-reports.js';
import { RolloutDriver } from './rollout-driver.js';
import { pendingCommands } from './reconnect.js';
import { statusView } from './status-facts.js';
import { withStatus } from './device-status.js';

export interface RolloutDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly repository: RepositoryService;
  readonly now: () => Date;
  readonly log: EventLog;
  /** Where errors of the rollout driver go (default: stderr). */
  readonly onError?: (error: unknown, rolloutId: string) => void;
  /** Several nodes: cluster/rollout-coordinator.ts starts drivers and completes, under leases. */
  readonly clustered?: boolean;
  /** Whether a device is connected now (the agent gateway); default: nobody is. */
  readonly online?: (deviceId: string) => boolean;
  /** Disconnected only moments ago (it may reconnect by itself); default: nobody is. */
  readonly reconnecting?: (deviceId: string) => boolean;
  /** Told after a rollout's decisions are stored on this node (the console's live events). */
  readonly onChange?: (rolloutId: string) => void;
}

/** What a reconnecting device is sent again: open notices and planned-rollout commands. */
export interface PendingForDevice {
  readonly notices: BusEvents['notice'][];
  readonly commands: BusEvents['device-command'][];
}

export class RolloutService {
  readonly #deps: RolloutDeps;
  /** Completion checks in flight, by rollout, so that two last reports log one completion. */
  readonly #completing = new Map<string, Promise<void>>();

  readonly driver: RolloutDriver;
  readonly planned: PlannedRollouts;
  readonly reports: RolloutReports;

  constructor(deps: RolloutDeps) {
    this.#deps = deps;
    this.driver = new RolloutDriver({
      ...deps,
      onError:
        deps.onError ?? ((error, id) => process.stderr.write(`rollout ${id}: ${String(error)}\n`)),
    });
    this.planned = new PlannedRollouts(deps, this.driver);
    this.reports = new RolloutReports(deps, this.driver);
  }

  /** Drives every planned rollout that has not finished (after a restart: where it was). */
  async resumeAll(): Promise<void> {
    if (this.#deps.clustered === true) return;
    for (const id of await this.#deps.store.rolloutEngine.active()) await this.driver.start(id);
  }

  /** Applies what other nodes journaled for a planned rollout driven here (bus device-result). */
  catchUp(rolloutId: string): Promise<void> {
    return this.driver.catchUp(rolloutId);
  }

  /** A control device's health report for a planned rollout. */
  health(deviceId: string, message: HealthMessage): Promise<void> {
    return this.reports.health(deviceId, message);
  }

  /** Notices and commands a device that just connected must get (again). */
  pendingFor(deviceId: string): Promise<PendingForDevice> {
    return pendingCommands(this.#deps.store, this.driver, deviceId);
  }

  /** A plain rollout (`--devices`): checked here, then run as a one-wave plan (ADR 0015). */
  async create(request: CreateRolloutRequest, createdBy: string): Promise<Rollout> {
    const { store, repository } = this.#deps;
    assertPatchRef(request.patch);
    const { allowDowngrade } = request;
    let devices: FleetDevice[] = [];
    const targetPath = await repository.assertRolloutAllowed(request.patch, {
      deviceIds: async () => {
        devices = selectDevices(targetable(await store.rolloutEngine.fleet()), request.devices);
        return devices.map((d) => d.id);
      },
      allowDowngrade,
    });
    const id = await this.planned.createPlain({
      patch: request.patch,
      targetPath,
      selector: request.devices,
      by: createdBy,
      allowDowngrade,
      devices,
    });
    return this.status(id);
  }

  /** Applies a device's report; completes the rollout when every device reached a final state. */
  async report(deviceId: string, report: Report): Promise<ReportOutcome> {
    const { store, now } = this.#deps;
    const at = now().toISOString();
    const input = {
      reportId: report.reportId,
      rolloutId: report.rolloutId,
      deviceId,
      state: report.state,
      error: report.error ?? null,
      timings: report.timings ?? null,
      at,
      rebootRequired: report.rebootRequired === true,
      ...(report.bootId === undefined ? {} : { bootId: report.bootId }),
    };
    if (this.driver.has(report.rolloutId)) return this.reports.report(input, report);
    if (await store.rolloutEngine.planned(report.rolloutId))
      return this.reports.reportElsewhere(input, report);
    if (!FINAL_DEVICE_STATES.includes(report.state)) return store.applyReport(input);
    // A final report and its device-result entry are stored in one transaction (ADR 0033).
    const rollout = await store.getRollout(report.rolloutId);
    const logged = rollout === undefined ? [] : deviceResultEvents(input, rollout.patch);
    const outcome = await store.applyReport(input, pendingEntries(logged));
    if (rollout === undefined || (outcome !== 'applied' && outcome !== 'duplicate')) return outcome;
    await this.#deps.log.sequencePending();
    if (outcome === 'applied' && this.#deps.clustered !== true)
      await this.#maybeComplete(rollout.id, at);
    return outcome;
  }

  /** Completes the rollout once every device is final; serialised per rollout. */
  #maybeComplete(rolloutId: string, at: string): Promise<void> {
    const run = (this.#completing.get(rolloutId) ?? Promise.resolve()).then(() =>
      this.#complete(rolloutId, at),
    );
    const tail = run.catch(() => undefined);
    this.#completing.set(rolloutId, tail);
    void tail.then(() => {
      if (this.#completing.get(rolloutId) === tail) this.#completing.delete(rolloutId);
    });
    return run;
  }

  async #complete(rolloutId: string, at: string): Promise<void> {
    const { store, log } = this.#deps;
    const rollout = await store.getRollout(rolloutId);
    if (rollout?.state !== 'in-progress') return;
    const counts = await store.rolloutEngine.assignmentCounts(rolloutId);
    if (counts.open > 0) return;
    if ((await store.rolloutEngine.load(rolloutId)) !== undefined) return; // its engine decides
    const state = counts.unsuccessful > 0 ? 'completed-with-failures' : 'completed';
    const logged = pendingEntries([{ type: 'rollout-completed', at, rolloutId, state }]);
    if (await store.completeRollout(rolloutId, { state, at, logged })) await log.sequencePending();
  }

  async status(id: string): Promise<Rollout> {
    const { store } = this.#deps;
    const rollout = await store.getRollout(id);
    if (rollout === undefined)
      throw new PatchcastError('NOT_FOUND', `no rollout ${id}`, {
        hint: 'list rollouts with `patchcast rollout list`',
      });
    const names = new Map((await store.rolloutEngine.fleet()).map((d) => [d.id, d.name]));
    const timings = await store.rolloutEngine.timings(id);
    const rows = (await store.assignments(id)).map((a) => ({
      id: a.deviceId,
      name: names.get(a.deviceId) ?? a.deviceId,
      state: a.state,
      error: a.error,
      updatedAt: a.updatedAt,
      rebootRequired: a.rebootRequired === true,
      timings: timings.get(a.deviceId) ?? null,
    }));
    rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const view = await statusView(this.#deps, this.driver, rollout, rows);
    const devices = withStatus(rows, view);
    return { ...summary(rollout, devices), devices, outlook: view.outlook };
  }

  async list(): Promise<Omit<Rollout, 'devices'>[]> {
    const rollouts = await this.#deps.store.listRollouts();
    return Promise.all(
      rollouts.map(async (r) => summary(r, await this.#deps.store.assignments(r.id))),
    );
  }
}

function summary(
  rollout: RolloutRecord,
  devices: readonly { state: Rollout['devices'][number]['state'] }[],
): Omit<Rollout, 'devices'> {
  const installed = devices.filter((d) => d.state === 'installed').length;
  const failed = devices.filter((d) => d.state === 'failed' || d.state === 'rolled-back').length;
  return {
    id: rollout.id,
    patch: rollout.patch,
    state: rollout.state,
    createdAt: rollout.createdAt,
    createdBy: rollout.createdBy,
    completedAt: rollout.completedAt,
    counts: {
      installed,
      failed,
      pending: devices.length - installed - failed,
      total: devices.length,
    },
  };
}
