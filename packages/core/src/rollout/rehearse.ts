import { PatchcastError } from '../errors.js';
import { effectiveWaves } from './engine-create.js';
import { RolloutEngine } from './engine.js';
import type { EngineEffect, EngineInput } from './engine-types.js';
import { EventQueue } from './event-queue.js';
import { SeededRandom } from './prng.js';
import { controlReport, installOutcome, rollbackConfirmation } from './rehearse-devices.js';
import type { DeviceModel } from './rehearse-devices.js';
import { simulatedFleet } from './rehearse-fleet.js';
import { buildTimeline } from './rehearse-timeline.js';
import type { Tally } from './rehearse-timeline.js';
import type { RehearsalOptions, RehearsalTimeline } from './rehearse-types.js';
import type { RolloutStateName } from './states.js';

const DEFAULT_START = Date.UTC(2025, 0, 6);
const DEFAULT_HORIZON_SECONDS = 365 * 86_400;
const STOPPED: ReadonlySet<RolloutStateName> = new Set(['paused', 'rolling-back', 'aborted']);

interface Simulation {
  readonly engine: RolloutEngine;
  readonly model: DeviceModel;
  readonly queue: EventQueue<EngineInput>;
  readonly tally: Tally;
  /** Bake time per wave, in milliseconds. */
  readonly bakes: readonly number[];
  now: number;
}

/**
 * Rehearses a plan: the real engine and judge against simulated agents in one process, driven by
 * a seeded generator so that the same options always give the same timeline. Stops when the
 * rollout completes, pauses, is rolled back, or nothing more can happen.
 */
export function rehearse(options: RehearsalOptions): RehearsalTimeline {
  checkOptions(options);
  const seed = String(options.seed ?? 1);
  const start = options.startAt ?? DEFAULT_START;
  const expedite = options.expedite === true;
  const fleet = simulatedFleet(
    options.plan,
    options.devices,
    options.selectorShare ?? 0.01,
    expedite,
  );
  const created = RolloutEngine.create({
    rolloutId: `rehearsal-${seed}`,
    plan: options.plan,
    devices: fleet,
    now: start,
    expedite,
  });
  const sim: Simulation = {
    engine: created.engine,
    model: deviceModel(options, seed),
    queue: new EventQueue<EngineInput>(),
    tally: { start, decisions: [], harmed: 0, harmedBeforeStop: 0, stoppedAt: null },
    bakes: effectiveWaves(options.plan, expedite).map((w) => w.bakeSeconds * 1000),
    now: start,
  };
  carryOut(sim, created.effects);
  run(sim, start + (options.horizonSeconds ?? DEFAULT_HORIZON_SECONDS) * 1000);
  return buildTimeline(sim.engine.view(), sim.tally, { ...options, seed });
}

const MAX_DEVICES = 1_000_000;

function checkOptions(options: RehearsalOptions): void {
  const rate = (value: number | undefined): boolean =>
    value === undefined || (value >= 0 && value <= 1);
  const { devices, failureRate, baselineFailureRate, offlineRate, metricShift } = options;
  if (!Number.isInteger(devices) || devices < 1 || devices > MAX_DEVICES)
    throw new PatchcastError(
      'INVALID_INPUT',
      `devices must be a whole number from 1 to ${MAX_DEVICES}`,
    );
  if (![failureRate, baselineFailureRate, offlineRate].every(rate))
    throw new PatchcastError('INVALID_INPUT', 'failure and offline rates must be between 0 and 1');
  if (metricShift !== undefined && !(metricShift >= 0 && metricShift <= 10))
    throw new PatchcastError('INVALID_INPUT', 'metricShift must be between 0 and 10');
}

function deviceModel(options: RehearsalOptions, seed: string): DeviceModel {
  return {
    rng: new SeededRandom(seed),
    failureRate: options.failureRate,
    baselineFailureRate: options.baselineFailureRate ?? 0,
    metricShift: options.metricShift ?? 0,
    offlineRate: options.offlineRate ?? 0.01,
    metrics: options.plan.judge.metrics,
  };
}

/** Runs until nothing is left to happen; notes when the rollout stopped or finished. */
function run(sim: Simulation, horizon: number): void {
  for (;;) {
    const next = sim.queue.pop();
    if (next === undefined || next.at > horizon) return;
    sim.now = next.at;
    const input = next.item;
    if (input.type === 'device-result' && (!input.ok || sim.model.metricShift > 0))
      sim.tally.harmed += 1;
    carryOut(sim, sim.engine.handle(input).effects);
    if (sim.tally.stoppedAt === null && STOPPED.has(sim.engine.state.name)) {
      sim.tally.stoppedAt = sim.now;
      sim.tally.harmedBeforeStop = sim.tally.harmed;
    }
  }
}

function carryOut(sim: Simulation, effects: readonly EngineEffect[]): void {
  const { model, queue, now } = sim;
  for (const effect of effects) {
    if (effect.type === 'notify-devices')
      for (const id of effect.deviceIds) push(queue, installOutcome(model, id, now));
    else if (effect.type === 'collect-health') {
      const bake = sim.bakes[effect.wave] ?? 0;
      for (const id of effect.deviceIds)
        push(queue, controlReport(model, id, effect.wave, now, bake));
    } else if (effect.type === 'roll-back-devices')
      for (const id of effect.deviceIds) push(queue, rollbackConfirmation(model, id, now));
    else if (effect.type === 'request-approval')
      push(queue, { type: 'approve', at: now, wave: effect.wave, by: 'rehearsal' });
    else if (effect.type === 'schedule-tick') push(queue, { type: 'tick', at: effect.at });
    else sim.tally.decisions.push(effect.entry);
  }
}

function push(queue: EventQueue<EngineInput>, input: EngineInput): void {
  queue.push(input.at, input);
}
