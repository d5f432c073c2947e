import { PatchcastError } from '../errors.js';
import { createEngineState, shapeOf } from './engine-create.js';
import {
  acceptControl,
  acceptResult,
  acceptRollbackRefused,
  acceptRolledBack,
  prepareResume,
} from './engine-inputs.js';
import { apply, record, runEffects } from './engine-machine.js';
import { scheduleWake } from './engine-schedule.js';
import { settle } from './engine-settle.js';
import type {
  CreateRolloutInput,
  EngineEffect,
  EngineInput,
  EngineState,
  StepResult,
} from './engine-types.js';
import { rolloutView } from './engine-view.js';
import type { RolloutView } from './engine-view.js';
import type { MachineState, Refusal } from './states.js';
import { initialTransition, transition } from './transition.js';

export const OPERATOR_INPUTS = ['approve', 'pause', 'resume', 'abort', 'rollback'] as const;
export type OperatorInput = (typeof OPERATOR_INPUTS)[number];

/**
 * Drives one rollout: deterministic, clock passed in with every input, all state in one plain
 * JSON object (`snapshot()` / `restore()`), all I/O left to the caller through effects.
 */
export class RolloutEngine {
  readonly #state: EngineState;
  readonly #controls = new Map<number, Set<string>>();

  private constructor(state: EngineState) {
    this.#state = state;
  }

  static create(input: CreateRolloutInput): { engine: RolloutEngine; effects: EngineEffect[] } {
    const state = createEngineState(input);
    const first = initialTransition(shapeOf(state));
    if (!first.ok) throw new PatchcastError('INVALID_INPUT', first.refusal.reason);
    state.machine = first.state;
    const out: EngineEffect[] = [];
    const total = state.waves.reduce((sum, run) => sum + run.devices.length, 0);
    const detail = `created: ${total} device(s) in ${state.waves.length} wave(s)${state.expedited ? ', expedited' : ''}`;
    record(state, out, { from: null, wave: state.machine.wave, event: 'created', detail });
    runEffects(state, first.effects, out);
    settle(state, out);
    scheduleWake(state, out);
    return { engine: new RolloutEngine(state), effects: out };
  }

  static restore(snapshot: EngineState): RolloutEngine {
    if (snapshot.format !== 1)
      throw new PatchcastError('INVALID_INPUT', 'unknown rollout state format', {
        hint: 'the state was written by a newer Patchcast',
      });
    return new RolloutEngine(structuredClone(snapshot));
  }

  get state(): MachineState {
    return this.#state.machine;
  }

  snapshot(): EngineState {
    return structuredClone(this.#state);
  }

  /** The live state without copying it, for cheap reads; never change it. */
  peek(): Readonly<EngineState> {
    return this.#state;
  }

  view(): RolloutView {
    return rolloutView(this.#state);
  }

  /** The operator inputs the current state accepts (approve means the pending wave's gate). */
  allowedOperatorInputs(): OperatorInput[] {
    const machine = this.#state.machine;
    const shape = shapeOf(this.#state);
    return OPERATOR_INPUTS.filter((type) => {
      const event = type === 'approve' ? { type, wave: machine.wave } : { type };
      return transition(machine, event, shape).ok;
    });
  }

  handle(input: EngineInput): StepResult {
    const state = this.#state;
    const before = state.now;
    state.now = Math.max(state.now, input.at);
    const out: EngineEffect[] = [];
    const refusal = this.#accept(input, out);
    if (refusal !== null) {
      state.now = before;
      return { effects: [], refusal };
    }
    settle(state, out);
    scheduleWake(state, out);
    return { effects: out, refusal: null };
  }

  #accept(input: EngineInput, out: EngineEffect[]): Refusal | null {
    const state = this.#state;
    const by = 'by' in input ? input.by : undefined;
    switch (input.type) {
      case 'tick':
        return null;
      case 'device-result':
        acceptResult(state, input);
        return null;
      case 'control-report':
        acceptControl(state, input, (wave, id) => this.#isControl(wave, id));
        return null;
      case 'device-rolled-back':
        acceptRolledBack(state, input);
        return null;
      case 'device-rollback-refused':
        acceptRollbackRefused(state, input);
        return null;
      case 'approve':
        return apply(state, input, { detail: `wave ${input.wave + 1} approved`, by }, out);
      case 'resume':
        return this.#resume(by, out);
      case 'pause':
      case 'abort':
      case 'rollback':
        return apply(state, { type: input.type }, { detail: `${input.type} by operator`, by }, out);
    }
  }

  #resume(by: string | undefined, out: EngineEffect[]): Refusal | null {
    const state = this.#state;
    if (state.machine.name === 'paused') prepareResume(state);
    return apply(state, { type: 'resume' }, { detail: 'resumed by operator', by }, out);
  }

  #isControl(wave: number, id: string): boolean {
    let set = this.#controls.get(wave);
    if (set === undefined) {
      set = new Set(this.#state.waves[wave]?.control ?? []);
      this.#controls.set(wave, set);
    }
    return set.has(id);
  }
}
