import { shapeOf } from './engine-create.js';
import { judgeRun } from './engine-judging.js';
import type { DecisionRecord, EngineEffect, EngineState, WaveRun } from './engine-types.js';
import type { JudgeVerdict } from './judge.js';
import type { MachineEffect, MachineEvent, Refusal } from './states.js';
import { transition } from './transition.js';

export interface Cause {
  readonly detail: string;
  readonly by?: string | null | undefined;
  readonly verdict?: JudgeVerdict | null;
}

type RecordFields = Pick<DecisionRecord, 'from' | 'event' | 'wave'> & Cause;

export function record(state: EngineState, out: EngineEffect[], fields: RecordFields): void {
  state.seq += 1;
  const entry: DecisionRecord = {
    seq: state.seq,
    at: state.now,
    wave: fields.wave,
    from: fields.from,
    to: state.machine.name,
    event: fields.event,
    detail: fields.detail,
    by: fields.by ?? null,
    verdict: fields.verdict ?? null,
  };
  out.push({ type: 'record', entry });
}

/** Feeds one event to the state machine, records the transition and carries out its effects. */
export function apply(
  state: EngineState,
  event: MachineEvent,
  cause: Cause,
  out: EngineEffect[],
): Refusal | null {
  const result = transition(state.machine, event, shapeOf(state));
  if (!result.ok) return result.refusal;
  const { name: from, wave } = state.machine;
  state.machine = result.state;
  record(state, out, { from, wave, event: event.type, ...cause });
  runEffects(state, result.effects, out);
  return null;
}

export function runEffects(
  state: EngineState,
  effects: readonly MachineEffect[],
  out: EngineEffect[],
): void {
  for (const effect of effects) {
    if (effect.type === 'request-approval')
      out.push({ type: 'request-approval', wave: effect.wave });
    else if (effect.type === 'start-bake') startBake(state, runOf(state, effect.wave));
    else if (effect.type === 'judge') judge(state, effect.wave, out);
    else if (effect.type === 'roll-back') startRollback(state, out);
  }
}

export function runOf(state: EngineState, wave: number): WaveRun {
  const run = state.waves[wave];
  if (run === undefined) throw new RangeError(`rollout has no wave ${wave + 1}`);
  return run;
}

function startBake(state: EngineState, run: WaveRun): void {
  run.bakeUntil = state.now + (run.devices.length === 0 ? 0 : run.bakeSeconds * 1000);
}

function judge(state: EngineState, wave: number, out: EngineEffect[]): void {
  const run = runOf(state, wave);
  const verdict = judgeRun(state, run);
  run.verdict = verdict;
  run.judgedAt = state.now;
  apply(
    state,
    { type: 'verdict', verdict: verdict.verdict },
    { detail: summarize(verdict), verdict },
    out,
  );
}

function summarize(verdict: JudgeVerdict): string {
  const notable = verdict.findings.filter((f) => f.outcome !== 'pass');
  const shown = notable.length > 0 ? notable : verdict.findings;
  return `judge: ${verdict.verdict}: ${shown.map((f) => `${f.subject}: ${f.reason}`).join('; ')}`;
}

/** Every device that was told to install and did not already fail (and so roll itself back). */
function startRollback(state: EngineState, out: EngineEffect[]): void {
  const done = state.rollback?.confirmed ?? {};
  const targets = state.waves.flatMap((run) =>
    run.devices
      .slice(0, run.dispatched)
      .filter((id) => state.results[id]?.ok !== false && done[id] === undefined),
  );
  const waiting: Record<string, true> = {};
  for (const id of targets) waiting[id] = true;
  state.rollback = {
    total: targets.length,
    waiting,
    confirmed: { ...done },
    ...(state.rollback?.refused === undefined ? {} : { refused: { ...state.rollback.refused } }),
    pending: targets.length,
  };
  if (targets.length > 0) out.push({ type: 'roll-back-devices', deviceIds: targets });
}
