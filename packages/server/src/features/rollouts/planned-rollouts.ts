/**
 * Rollouts on the engine (docs/rollouts.md): from a plan, or plain (`--devices`) on a one-wave
 * plan (ADR 0015); creation, operator actions, progress. Device inputs: rollout-reports.ts.
 */
import {
  PatchcastError,
  RolloutEngine,
  describeSelector,
  plainPlan,
  whyNoMatch,
} from '@patchcast/core';
import type { EngineInput, EngineState, FleetDevice, RolloutPlan } from '@patchcast/core';
import { targetable } from '../../storage/rollout-engine-store.js';
import { assertPatchRef, parsePlan } from '@patchcast/protocol';
import type {
  CreatePlannedRolloutRequest,
  DeviceSelector,
  PatchRef,
  RolloutAction,
  RolloutProgress,
} from '@patchcast/protocol';
import type { RolloutRecord } from '../../storage/store.js';
import { newId } from '../auth/api-tokens.js';
import { pendingEntries, rolloutCreated } from '../log/log-events.js';
import type { RolloutDeps } from './rollout-service.js';
import type { RolloutDriver } from './rollout-driver.js';
import { decisionEvents, decisionsOf } from './rollout-effects.js';
import { progressOf } from './rollout-progress.js';
import { rolloutEvents } from '../webhooks/rollout-events.js';
import { assertNoEmptyWave } from './empty-waves.js';
import { assertNewestInstall, cascadeStep } from './rollback-order.js';

/** What starting a rollout needs once its patch and devices were checked. */
export interface PlainStart {
  readonly patch: PatchRef;
  readonly targetPath: string;
  readonly selector: DeviceSelector;
  readonly by: string;
  readonly allowDowngrade?: boolean | undefined;
  /** The selected devices, targetable ones only. */
  readonly devices: readonly FleetDevice[];
}

export class PlannedRollouts {
  readonly #deps: RolloutDeps;
  readonly #driver: RolloutDriver;

  constructor(deps: RolloutDeps, driver: RolloutDriver) {
    this.#deps = deps;
    this.#driver = driver;
  }

  async create(request: CreatePlannedRolloutRequest, by: string): Promise<RolloutProgress> {
    const plan = parsePlan(request.plan, request.planName ?? 'plan');
    assertPatchRef(request.patch);
    const rolloutId = newId('ro');
    const fleet = await this.#fleet();
    const created = RolloutEngine.create({
      rolloutId,
      plan,
      devices: fleet,
      now: this.#deps.now().getTime(),
      expedite: request.expedite === true,
    });
    const deviceIds = Object.keys(created.engine.peek().deviceWave);
    const { allowDowngrade } = request;
    const targetPath = await this.#deps.repository.assertRolloutAllowed(request.patch, {
      deviceIds: () => Promise.resolve(deviceIds),
      allowDowngrade,
    });
    if (deviceIds.length === 0) throw noDevices(plan, fleet);
    if (request.allowEmptyWaves !== true) assertNoEmptyWave(created.engine.peek(), fleet);
    const start = { patch: request.patch, targetPath, selector: selectorOf(plan), by };
    await this.#start({ ...start, allowDowngrade }, created, deviceIds);
    return this.progress(rolloutId);
  }

  /**
   * A plain rollout (`--devices`): the same engine on a one-wave plan of exactly the selected
   * devices (plainPlan, ADR 0015), so that it can be aborted and rolled back like any other.
   */
  async createPlain(start: PlainStart): Promise<string> {
    const rolloutId = newId('ro');
    const deviceIds = start.devices.map((d) => d.id);
    const created = RolloutEngine.create({
      rolloutId,
      plan: plainPlan(deviceIds),
      devices: start.devices,
      now: this.#deps.now().getTime(),
      plain: true,
    });
    await this.#start(start, created, deviceIds);
    return rolloutId;
  }

  async #start(
    start: Omit<PlainStart, 'devices'>,
    created: ReturnType<typeof RolloutEngine.create>,
    deviceIds: readonly string[],
  ): Promise<void> {
    const { store, log, now } = this.#deps;
    const state = created.engine.peek(); // read here, stored as JSON: no copy needed
    const rolloutId = state.rolloutId;
    const rollout: RolloutRecord = {
      id: rolloutId,
      patch: start.patch,
      targetPath: start.targetPath,
      selector: start.selector,
      state: 'in-progress',
      createdAt: now().toISOString(),
      createdBy: start.by,
      completedAt: null,
      ...(start.allowDowngrade === true ? { allowDowngrade: true } : {}),
    };
    const decisions = decisionsOf(created.effects);
    const snapshot = { snapshot: JSON.stringify(state), inputSeq: 0 };
    const step = { waveAfter: state.machine.wave, waves: state.plan.waves.length };
    const events = rolloutEvents(rollout, decisions, step);
    const logged = pendingEntries([
      rolloutCreated(rollout, deviceIds.length),
      ...decisionEvents(rolloutId, created.effects),
    ]);
    await store.rolloutEngine.create(rollout, deviceIds, snapshot, decisions, events, logged);
    // The first notices leave while the log writer sequences the entries just committed with
    // the rollout (ADR 0033, amended): they are durable; the answer waits for both.
    const rest = created.effects.filter((e) => e.type !== 'record');
    await Promise.all([log.sequencePending(), this.#driver.adopt(rollout, created.engine, rest)]);
  }

  /** The devices a new rollout may target: revoked and removed ones never are (ADR 0029). */
  async #fleet(): Promise<FleetDevice[]> {
    return targetable(await this.#deps.store.rolloutEngine.fleet());
  }

  /**
   * An operator action; refused with ROLLOUT_TRANSITION_REFUSED naming the state and what is
   * allowed. A rollback is refused while a later install of the patch is in force over the
   * rollout's (ROLLOUT_NEWER_INSTALLED); with `cascade`, the newest such rollout is rolled back
   * instead and its progress answered (rollback-order.ts).
   */
  async act(
    rolloutId: string,
    action: RolloutAction,
    by: string,
    options: { readonly wave?: number | undefined; readonly cascade?: boolean | undefined } = {},
  ): Promise<RolloutProgress> {
    const asked = await this.#require(rolloutId);
    const rollout = await this.#rollbackTarget(asked, action, options.cascade === true);
    if (rollout === undefined) return this.progress(rolloutId);
    if (rollout.id !== asked.id && (await this.#rollingBack(rollout.id)))
      return this.progress(rollout.id);
    const engine = this.#driver.engine(rollout.id);
    const at = this.#deps.now().getTime();
    const { wave } = options;
    const wave0 = wave === undefined ? (engine?.state.wave ?? 0) : wave - 1;
    const input: EngineInput =
      action === 'approve' ? { type: 'approve', at, by, wave: wave0 } : { type: action, at, by };
    if (engine === undefined) {
      await this.#elsewhere(rollout, action, input);
      return this.progress(rollout.id);
    }
    const result = await this.#driver.input(rollout.id, input);
    if (result?.refusal) {
      const allowed = engine.allowedOperatorInputs();
      throw refused(rollout.id, engine.state.name, result.refusal.reason, allowed);
    }
    return this.progress(rollout.id);
  }

  /** The rollout an action applies to; undefined when a cascade finds it rolling back already. */
  async #rollbackTarget(
    rollout: RolloutRecord,
    action: RolloutAction,
    cascade: boolean,
  ): Promise<RolloutRecord | undefined> {
    if (action !== 'rollback') return rollout;
    if (!cascade) {
      await assertNewestInstall(this.#deps.store, rollout);
      return rollout;
    }
    const target = await cascadeStep(this.#deps.store, rollout);
    return target.id === rollout.id && (await this.#rollingBack(rollout.id)) ? undefined : target;
  }

  async #rollingBack(rolloutId: string): Promise<boolean> {
    const engine = this.#driver.engine(rolloutId);
    if (engine !== undefined) return engine.state.name === 'rolling-back';
    const saved = await this.#deps.store.rolloutEngine.load(rolloutId);
    if (saved === undefined) return false;
    return (JSON.parse(saved.snapshot) as EngineState).machine.name === 'rolling-back';
  }

  /** A rollout this node does not drive: finished, started with --devices, or on another node. */
  async #elsewhere(rollout: RolloutRecord, action: RolloutAction, input: EngineInput) {
    const { rolloutEngine } = this.#deps.store;
    if (!(await rolloutEngine.planned(rollout.id)))
      throw new PatchcastError(
        'ROLLOUT_TRANSITION_REFUSED',
        `rollout ${rollout.id} was started with --devices by a Patchcast that ran such rollouts without an engine: ${action} is not allowed`,
        {
          hint: 'rollouts started since can be rolled back; roll out the previous version instead',
        },
      );
    if (rollout.state !== 'in-progress') return this.#reopen(rollout, action, input);
    // Driven by another node: it applies journaled inputs in order (a refused one changes nothing).
    await rolloutEngine.appendInput(rollout.id, JSON.stringify(input));
  }

  /**
   * `rollback` of a completed or aborted rollout (a bad patch found later): the input is
   * journaled first, then the rollout is reopened (in-progress) and driven again, so that its
   * engine replays the rollback and commands every device that installed. A crash in between
   * leaves a journaled input that the next rollback replays with it (the second is refused).
   */
  async #reopen(rollout: RolloutRecord, action: RolloutAction, input: EngineInput) {
    const { store } = this.#deps;
    const allowed = (await this.#stored(rollout.id)).allowedOperatorInputs();
    if (action !== 'rollback' || !allowed.includes('rollback'))
      throw refused(rollout.id, rollout.state, `${action} is not allowed once it has ended`, [
        ...allowed,
      ]);
    await store.rolloutEngine.appendInput(rollout.id, JSON.stringify(input));
    const reopened = await store.rolloutEngine.reopen(rollout.id);
    // Clustered, journaling took the rollout's lease here (fenced store), so this node drives
    // it; should another node hold it instead, the coordinator stops this driver on its tick.
    if (reopened) await this.#driver.start(rollout.id);
  }

  async #require(rolloutId: string): Promise<RolloutRecord> {
    const rollout = await this.#deps.store.getRollout(rolloutId);
    if (rollout === undefined)
      throw new PatchcastError('NOT_FOUND', `no rollout ${rolloutId}`, {
        hint: 'list rollouts with `patchcast rollout list`',
      });
    return rollout;
  }

  async progress(rolloutId: string): Promise<RolloutProgress> {
    const { store } = this.#deps;
    const rollout = await store.getRollout(rolloutId);
    if (rollout === undefined)
      throw new PatchcastError('NOT_FOUND', `no rollout ${rolloutId}`, {
        hint: 'list rollouts with `patchcast rollout list`',
      });
    const engine = this.#driver.engine(rolloutId) ?? (await this.#stored(rolloutId));
    const { now, online = () => false, reconnecting = () => false } = this.#deps;
    return progressOf(store, rollout, engine, { now: now().getTime(), online, reconnecting });
  }

  async #stored(rolloutId: string): Promise<RolloutEngine> {
    const saved = await this.#deps.store.rolloutEngine.load(rolloutId);
    if (saved === undefined)
      throw new PatchcastError('NOT_FOUND', `rollout ${rolloutId} has no plan`, {
        hint: 'see it with `patchcast rollout status ID` (plain view)',
      });
    return RolloutEngine.restore(
      JSON.parse(saved.snapshot) as Parameters<typeof RolloutEngine.restore>[0],
    );
  }
}

function selectorOf(plan: RolloutPlan): DeviceSelector {
  const target = plan.target;
  if ('ids' in target) return { ids: [...target.ids] };
  if ('labels' in target) return { labels: { ...target.labels } };
  return { all: true };
}

function noDevices(plan: RolloutPlan, fleet: readonly FleetDevice[]): PatchcastError {
  const target = describeSelector(plan.target);
  return new PatchcastError(
    'INVALID_INPUT',
    `the plan's target (${target}) matches no enrolled device: ${whyNoMatch(plan.target, fleet)}`,
    {
      hint: 'see the labels with `patchcast devices`; change them with `patchcast devices label ID KEY=VALUE`, or the target',
    },
  );
}

function refused(
  rolloutId: string,
  state: string,
  reason: string,
  allowed: readonly string[],
): PatchcastError {
  const now = allowed.length === 0 ? 'nothing' : allowed.join(', ');
  return new PatchcastError(
    'ROLLOUT_TRANSITION_REFUSED',
    `rollout ${rolloutId} is ${state}: ${reason}; allowed now: ${now}`,
    { hint: `see \`patchcast rollout status ${rolloutId}\`` },
  );
}
