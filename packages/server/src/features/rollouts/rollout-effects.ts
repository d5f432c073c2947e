/** What a planned rollout's engine effects mean for the server: notices, commands, log entries. */
import type { EngineEffect, JudgeVerdict, RolloutEngine } from '@patchcast/core';
import type { LogEventInput, LoggedVerdict } from '@patchcast/protocol';
import type { Bus } from '../../bus/bus.js';
import type { RolloutDecisionRecord, RolloutFinish } from '../../storage/rollout-engine-store.js';
import type { RolloutRecord } from '../../storage/store.js';
import { rolloutNotice } from './rollout-notice.js';

type Record_ = Extract<EngineEffect, { type: 'record' }>['entry'];

export function decisionOf(entry: Record_): RolloutDecisionRecord {
  return {
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    wave: entry.wave,
    from: entry.from,
    to: entry.to,
    event: entry.event,
    detail: entry.detail,
    by: entry.by,
  };
}

export function decisionsOf(effects: readonly EngineEffect[]): RolloutDecisionRecord[] {
  return effects.flatMap((e) => (e.type === 'record' ? [decisionOf(e.entry)] : []));
}

/** The rollout-decision log events of the engine's `record` effects, in order. */
export function decisionEvents(
  rolloutId: string,
  effects: readonly EngineEffect[],
): LogEventInput[] {
  return effects.flatMap((e) => (e.type === 'record' ? [decisionEvent(rolloutId, e.entry)] : []));
}

/** The rollout record's final state for a finished engine. */
export function finishOf(engine: RolloutEngine, now: Date): RolloutFinish {
  const state = engine.state.name;
  const at = now.toISOString();
  if (state === 'aborted' || state === 'rolled-back') return { state, at };
  const failed = engine.view().waves.some((w) => w.failed > 0);
  return { state: failed ? 'completed-with-failures' : 'completed', at };
}

/** Every decision lands in the transparency log as a rollout-decision entry, verdict included. */
export function decisionEvent(rolloutId: string, entry: Record_): LogEventInput {
  return {
    type: 'rollout-decision',
    at: new Date(entry.at).toISOString(),
    rolloutId,
    seq: entry.seq,
    wave: entry.wave + 1,
    from: entry.from,
    to: entry.to,
    event: entry.event,
    detail: entry.detail.slice(0, 1024),
    decidedBy: entry.by === null ? 'engine' : 'operator',
    by: entry.by === null ? null : entry.by.slice(0, 1024),
    verdict: entry.verdict === null ? null : loggedVerdict(entry.verdict),
  };
}

/** Canonical JSON has integers only: fractions are written as decimal strings. */
function loggedVerdict(verdict: JudgeVerdict): LoggedVerdict {
  const decimal = (n: number) => String(n);
  return {
    verdict: verdict.verdict,
    alphaPerComparison: decimal(verdict.alphaPerComparison),
    findings: verdict.findings.slice(0, 64).map((f) => ({
      subject: f.subject.slice(0, 64),
      outcome: f.outcome,
      p: f.p === null ? null : decimal(f.p),
      effect: f.effect === null ? null : decimal(f.effect),
      reason: f.reason.slice(0, 256),
    })),
  };
}

export function rolloutCompleted(rolloutId: string, finish: RolloutFinish): LogEventInput {
  return { type: 'rollout-completed', at: finish.at, rolloutId, state: finish.state };
}

interface EffectDeps {
  readonly bus: Bus;
}

/**
 * Sends what the engine asked for; the snapshot that asked is already stored, with the log
 * entries of its `record` effects (ADR 0033).
 */
export async function carryOut(
  effects: readonly EngineEffect[],
  rollout: RolloutRecord,
  deps: EffectDeps,
): Promise<void> {
  const { bus } = deps;
  const base = { rolloutId: rollout.id, patch: rollout.patch, targetPath: rollout.targetPath };
  for (const effect of effects) {
    if (effect.type === 'notify-devices')
      await bus.publish('notice', rolloutNotice(rollout, effect.deviceIds));
    else if (effect.type === 'collect-health')
      await bus.publish('device-command', {
        ...base,
        kind: 'health-request',
        wave: effect.wave,
        deviceIds: effect.deviceIds,
      });
    else if (effect.type === 'roll-back-devices')
      await bus.publish('device-command', {
        ...base,
        kind: 'rollback',
        wave: 0,
        deviceIds: effect.deviceIds,
      });
  }
}
