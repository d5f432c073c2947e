import { EventQueue } from '../../src/rollout/event-queue.js';
import { RolloutEngine } from '../../src/rollout/index.js';
import type {
  CreateRolloutInput,
  DecisionRecord,
  EngineEffect,
  EngineInput,
  Metrics,
  Refusal,
} from '../../src/rollout/index.js';
import { MINUTE } from './fixtures.js';

/** How the fake fleet answers: per device, installed ok or not, and its metrics. */
export interface Fleet {
  readonly ok: (id: string) => boolean;
  readonly metrics: (id: string, patched: boolean) => Metrics;
  /** Devices that never answer a notification. */
  readonly silent?: (id: string) => boolean;
  readonly autoApprove?: boolean;
}

/** Feeds engine effects back as fake device answers, in time order. */
export class Driver {
  readonly queue = new EventQueue<EngineInput>();
  readonly records: DecisionRecord[] = [];
  readonly effects: EngineEffect[] = [];
  readonly refusals: Refusal[] = [];
  now: number;

  constructor(
    public engine: RolloutEngine,
    readonly fleet: Fleet,
    start: number,
  ) {
    this.now = start;
  }

  static start(input: CreateRolloutInput, fleet: Fleet): Driver {
    const { engine, effects } = RolloutEngine.create(input);
    const driver = new Driver(engine, fleet, input.now);
    driver.take(effects);
    return driver;
  }

  send(input: EngineInput): void {
    this.now = Math.max(this.now, input.at);
    const result = this.engine.handle(input);
    if (result.refusal !== null) this.refusals.push(result.refusal);
    this.take(result.effects);
  }

  /** Processes queued answers until `until` (ms) or until the stop condition holds. */
  run(until = Number.MAX_SAFE_INTEGER, stop: () => boolean = () => false): void {
    while (!stop()) {
      const next = this.queue.pop();
      if (next === undefined) return;
      if (next.at > until) {
        this.queue.push(next.at, next.item);
        return;
      }
      this.send(next.item);
    }
  }

  take(effects: readonly EngineEffect[]): void {
    for (const effect of effects) {
      this.effects.push(effect);
      this.answer(effect);
    }
  }

  answer(effect: EngineEffect): void {
    const at = this.now;
    const push = (input: EngineInput): void => this.queue.push(input.at, input);
    if (effect.type === 'record') this.records.push(effect.entry);
    else if (effect.type === 'schedule-tick') push({ type: 'tick', at: effect.at });
    else if (effect.type === 'request-approval' && this.fleet.autoApprove === true)
      push({ type: 'approve', at, wave: effect.wave, by: 'test' });
    else if (effect.type === 'notify-devices')
      for (const deviceId of effect.deviceIds.filter((id) => this.fleet.silent?.(id) !== true)) {
        const ok = this.fleet.ok(deviceId);
        push({
          type: 'device-result',
          at: at + MINUTE,
          deviceId,
          ok,
          metrics: this.fleet.metrics(deviceId, true),
        });
      }
    else if (effect.type === 'collect-health')
      for (const deviceId of effect.deviceIds)
        push({
          type: 'control-report',
          at: at + MINUTE / 2,
          wave: effect.wave,
          deviceId,
          healthy: true,
          metrics: this.fleet.metrics(deviceId, false),
        });
    else if (effect.type === 'roll-back-devices')
      for (const deviceId of effect.deviceIds)
        push({ type: 'device-rolled-back', at: at + MINUTE, deviceId });
  }

  transitions(): string[] {
    return this.records.map((r) => `${r.from ?? '-'}>${r.to}@${r.wave}`);
  }
}

/** Deterministic metrics around 100 from the device id. */
export function steadyMetrics(shift = 0): (id: string, patched: boolean) => Metrics {
  return (id, patched) => {
    const n = Number(id.replace(/\D/g, '')) || 0;
    const base = 90 + ((n * 37) % 21);
    const factor = patched ? 1 + shift : 1;
    return { cpu: base * factor, rps: base / factor };
  };
}
