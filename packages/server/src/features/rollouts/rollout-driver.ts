/**
 * Drives planned rollouts with the core engine (ADR 0011). Per rollout, inputs are handled one at
 * a time: journaled, fed to the engine, and when the engine produced effects its snapshot and
 * decisions are saved before any effect leaves the server. `start(id)` resumes a rollout from its
 * snapshot and the journal; `stop()` lets go of it. A cluster lease wraps exactly these two.
 */
import { RolloutEngine, isFinished } from '@patchcast/core';
import type { EngineEffect, EngineInput, EngineState, StepResult } from '@patchcast/core';
import type { RolloutRecord, Store } from '../../storage/store.js';
import type { Bus } from '../../bus/bus.js';
import type { EventLog } from '../log/log-events.js';
import { pendingEntries } from '../log/log-events.js';
import {
  carryOut,
  decisionEvents,
  decisionsOf,
  finishOf,
  rolloutCompleted,
} from './rollout-effects.js';
import { rolloutEvents } from '../webhooks/rollout-events.js';

export interface DriverDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly log: EventLog;
  readonly now: () => Date;
  readonly onError: (error: unknown, rolloutId: string) => void;
  /** Told after decisions are stored (the console's live events). */
  readonly onChange?: ((rolloutId: string) => void) | undefined;
}

/** When #carryOut stores the engine's snapshot. */
type SaveWhen = 'acting' | 'force' | 'stored';

interface Run {
  readonly rollout: RolloutRecord;
  readonly engine: RolloutEngine;
  inputSeq: number;
  chain: Promise<unknown>;
  timer: NodeJS.Timeout | undefined;
  /** When the engine wants its next tick; the engine says so only when it changes. */
  wakeAt: number | null;
  stopped: boolean;
}

export class RolloutDriver {
  readonly #deps: DriverDeps;
  readonly #runs = new Map<string, Run>();

  constructor(deps: DriverDeps) {
    this.#deps = deps;
  }

  /** Whether this node drives the rollout now. */
  has(rolloutId: string): boolean {
    return this.#runs.has(rolloutId);
  }

  /** The live engine state of a rollout this node drives; read it, never change it. */
  peek(rolloutId: string): Readonly<EngineState> | undefined {
    return this.#runs.get(rolloutId)?.engine.peek();
  }

  engine(rolloutId: string): RolloutEngine | undefined {
    return this.#runs.get(rolloutId)?.engine;
  }

  /** Rollouts driven here, for reconnect checks. */
  runningIds(): string[] {
    return [...this.#runs.keys()];
  }

  /**
   * Takes over a rollout just created, whose first snapshot and decisions are already stored:
   * its effects (the first notices) leave without storing that snapshot a second time.
   */
  async adopt(rollout: RolloutRecord, engine: RolloutEngine, effects: EngineEffect[]) {
    const run = this.#track(rollout, engine, 0);
    await this.#serial(run, () => this.#carryOut(run, effects, 'stored'));
  }

  /** Resumes a stored planned rollout: its snapshot, then every journaled input it lacks. */
  async start(rolloutId: string): Promise<void> {
    if (this.#runs.has(rolloutId)) return;
    const { store } = this.#deps;
    const [rollout, saved] = await Promise.all([
      store.getRollout(rolloutId),
      store.rolloutEngine.load(rolloutId),
    ]);
    if (rollout === undefined || saved === undefined) return;
    const engine = RolloutEngine.restore(JSON.parse(saved.snapshot) as EngineState);
    const run = this.#track(rollout, engine, saved.inputSeq);
    const effects: EngineEffect[] = [];
    for (const { seq, input } of await store.rolloutEngine.inputsAfter(rolloutId, saved.inputSeq)) {
      effects.push(...engine.handle(JSON.parse(input) as EngineInput).effects);
      run.inputSeq = seq;
    }
    effects.push(...engine.handle({ type: 'tick', at: this.#now() }).effects);
    await this.#serial(run, () => this.#carryOut(run, effects, 'force'));
  }

  /** Stops driving one rollout, or every rollout; nothing stored changes. */
  stop(rolloutId?: string): void {
    const ids = rolloutId === undefined ? [...this.#runs.keys()] : [rolloutId];
    for (const id of ids) {
      const run = this.#runs.get(id);
      if (run === undefined) continue;
      run.stopped = true;
      clearTimeout(run.timer);
      this.#runs.delete(id);
    }
  }

  /** Feeds one input; undefined if this node does not drive the rollout. */
  input(rolloutId: string, input: EngineInput): Promise<StepResult | undefined> {
    const run = this.#runs.get(rolloutId);
    if (run === undefined) return Promise.resolve(undefined);
    return this.#serial(run, () => this.#step(run, input));
  }

  /**
   * Journals the input, then applies every journaled input the engine has not seen, in journal
   * order (other nodes may append a device's report too), then a timer tick as it is.
   */
  async #step(run: Run, input: EngineInput): Promise<StepResult | undefined> {
    if (run.stopped) return undefined;
    const { rolloutEngine } = this.#deps.store;
    const mine =
      input.type === 'tick'
        ? undefined
        : await rolloutEngine.appendInput(run.rollout.id, JSON.stringify(input));
    const effects: EngineEffect[] = [];
    let result: StepResult | undefined;
    for (const { seq, input: text } of await rolloutEngine.inputsAfter(
      run.rollout.id,
      run.inputSeq,
    )) {
      const step = run.engine.handle(JSON.parse(text) as EngineInput);
      effects.push(...step.effects);
      run.inputSeq = seq;
      if (seq === mine) result = step;
    }
    if (input.type === 'tick') {
      result = run.engine.handle(input);
      effects.push(...result.effects);
    }
    await this.#carryOut(run, effects, 'acting');
    return result;
  }

  /** Applies what other nodes journaled for a rollout driven here (they announce it on the bus). */
  catchUp(rolloutId: string): Promise<void> {
    const run = this.#runs.get(rolloutId);
    if (run === undefined) return Promise.resolve();
    return this.#serial(run, async () => {
      await this.#step(run, { type: 'tick', at: this.#now() });
    });
  }

  /**
   * Saves when anything but a timer follows (`acting`), always (`force`), or only what is new
   * (`stored`: the snapshot as it is was stored by the caller); then sends, logs and schedules.
   */
  async #carryOut(run: Run, effects: EngineEffect[], save: SaveWhen): Promise<void> {
    const { store, log } = this.#deps;
    const id = run.rollout.id;
    const decisions = decisionsOf(effects);
    const finish = isFinished(run.engine.state)
      ? finishOf(run.engine, this.#deps.now())
      : undefined;
    // The decisions and the end are stored with their log entries in one transaction, and
    // in the log before they are acted on (ADR 0033).
    const logged = decisionEvents(id, effects);
    if (finish !== undefined) logged.push(rolloutCompleted(id, finish));
    const acting = effects.some((e) => e.type !== 'schedule-tick');
    const unchanged = save === 'stored' && decisions.length === 0 && finish === undefined;
    if (unchanged) this.#deps.onChange?.(id);
    else if (save === 'force' || acting) {
      const snapshot = { snapshot: JSON.stringify(run.engine.peek()), inputSeq: run.inputSeq };
      const { machine, plan } = run.engine.peek();
      const step = { waveAfter: machine.wave, waves: plan.waves.length, finish };
      const events = rolloutEvents(run.rollout, decisions, step);
      const entries = pendingEntries(logged);
      await store.rolloutEngine.save(id, { snapshot, decisions, finish, events, logged: entries });
      if (entries.length > 0) await log.sequencePending();
      this.#deps.onChange?.(id);
    }
    await carryOut(effects, run.rollout, this.#deps);
    run.wakeAt = run.engine.peek().nextTick;
    this.#arm(run);
    if (finish !== undefined) this.stop(id);
  }

  /** (Re)arms the timer for the engine's next wake-up: after a restart, after an early timer. */
  #arm(run: Run): void {
    clearTimeout(run.timer);
    run.timer = undefined;
    if (run.stopped || run.wakeAt === null) return;
    const delay = Math.max(0, Math.min(run.wakeAt - this.#now(), 2 ** 31 - 1));
    run.timer = setTimeout(() => {
      run.timer = undefined;
      void this.input(run.rollout.id, { type: 'tick', at: this.#now() }).catch((error: unknown) =>
        this.#deps.onError(error, run.rollout.id),
      );
    }, delay);
    run.timer.unref();
  }

  #track(rollout: RolloutRecord, engine: RolloutEngine, inputSeq: number): Run {
    const run: Run = {
      rollout,
      engine,
      inputSeq,
      chain: Promise.resolve(),
      timer: undefined,
      wakeAt: engine.peek().nextTick,
      stopped: false,
    };
    this.#runs.set(rollout.id, run);
    return run;
  }

  #serial<T>(run: Run, work: () => Promise<T>): Promise<T> {
    const next = run.chain.then(work);
    run.chain = next.catch((error: unknown) => this.#deps.onError(error, run.rollout.id));
    return next;
  }

  #now(): number {
    return this.#deps.now().getTime();
  }
}
