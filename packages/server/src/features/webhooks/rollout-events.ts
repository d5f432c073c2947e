/**
 * The rollout events of one engine step, from the decisions it recorded: they are stored with
 * those decisions (one transaction), so each is queued exactly once however often the server
 * restarts. A wave counts as completed when the next decision (or the engine's state after the
 * last one) is in a later wave, or when the rollout completes.
 */
import type { RolloutDecisionRecord, RolloutFinish } from '../../storage/rollout-engine-store.js';
import type { RolloutRecord } from '../../storage/store.js';
import type { WebhookEventRecord } from '../../storage/webhook-store.js';
import type { WebhookEventType } from '@patchcast/protocol';
import { webhookEvent } from './webhook-events.js';

const BY_STATE: Readonly<Record<string, WebhookEventType>> = {
  paused: 'rollout.paused',
  completed: 'rollout.completed',
  aborted: 'rollout.aborted',
  'rolled-back': 'rollout.rolled-back',
};

/**
 * `waveAfter`: the engine's 0-based wave once the step is done; `waves`: how many the plan has;
 * `finish`: set when the step ended the rollout.
 */
export function rolloutEvents(
  rollout: RolloutRecord,
  decisions: readonly RolloutDecisionRecord[],
  step: { readonly waveAfter: number; readonly waves: number; readonly finish?: RolloutFinish },
): WebhookEventRecord[] {
  const base = {
    rolloutId: rollout.id,
    patch: { name: rollout.patch.name, version: rollout.patch.version },
  };
  const events: WebhookEventRecord[] = [];
  decisions.forEach((d, i) => {
    const identity = `${rollout.id}\u0000${d.seq}`;
    const cause = { event: d.event, detail: d.detail, by: d.by };
    if (d.event === 'created')
      events.push(
        webhookEvent('rollout.started', identity, d.at, {
          ...base,
          waves: step.waves,
          by: rollout.createdBy,
        }),
      );
    const after = decisions[i + 1]?.wave ?? step.waveAfter;
    const finishedNow = d.to === 'completed' && d.from !== null && d.from !== 'completed';
    if (d.from !== null && (after > d.wave || finishedNow))
      events.push(
        webhookEvent('rollout.wave.completed', identity, d.at, {
          ...base,
          wave: d.wave + 1,
          waves: step.waves,
        }),
      );
    const type = d.from === d.to ? undefined : BY_STATE[d.to];
    if (type === undefined) return;
    const state = type === 'rollout.completed' ? (step.finish?.state ?? 'completed') : d.to;
    events.push(webhookEvent(type, identity, d.at, { ...base, wave: d.wave + 1, state, ...cause }));
  });
  return events;
}
