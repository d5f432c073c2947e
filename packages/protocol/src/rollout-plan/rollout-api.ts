/**
 * The HTTP contract of planned rollouts (docs/rollouts.md "Over HTTP"): starting one from a plan,
 * the operator actions, and the progress view with waves, verdicts and per-device timings.
 */
import { z } from 'zod';
import { DEVICE_STATES } from '../device-state.js';
import { healthSchema } from '../agent-channel-schema.js';
import { ROLLOUT_STATES } from '../api.js';
import { MAX_PLAN_BYTES } from './parse-plan.js';
import { deviceStatusFields, rolloutOutlookSchema } from '../rollout-status.js';

export const ROLLOUT_ROUTES = {
  progress: '/api/v1/rollouts/:id/progress',
  action: '/api/v1/rollouts/:id/:action',
} as const;

export const ROLLOUT_ACTIONS = ['approve', 'pause', 'resume', 'abort', 'rollback'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** A plan travels as its text so that the server can name the line and field of a problem. */
export const createPlannedRolloutRequest = z.strictObject({
  patch: z.strictObject({ name: z.string(), version: z.string() }),
  plan: z.string().max(MAX_PLAN_BYTES),
  /** The file name used in error messages. */
  planName: z.string().max(256).optional(),
  /** Use the plan's expedite policy (an actively exploited vulnerability). */
  expedite: z.boolean().optional(),
  /** Install even where a device has a higher version of the patch (logged; ADR 0017). */
  allowDowngrade: z.boolean().optional(),
  /** Start even if a wave takes no device (otherwise refused with WAVE_EMPTY; ADR 0016). */
  allowEmptyWaves: z.boolean().optional(),
});
export type CreatePlannedRolloutRequest = z.infer<typeof createPlannedRolloutRequest>;

/**
 * `wave` is 1-based, as people count; only `approve` takes it (default: the pending one).
 * `cascade` goes with `rollback` only (ADR 0015): when later rollouts installed a newer version
 * of the patch on the rollout's devices, the newest of them is rolled back first and its
 * progress is answered (another id); asked again, the next one, until the rollout itself.
 */
export const rolloutActionRequest = z.strictObject({
  wave: z.number().int().min(1).max(10_000).optional(),
  cascade: z.boolean().optional(),
});
export type RolloutActionRequest = z.infer<typeof rolloutActionRequest>;

const finding = z.object({
  subject: z.string(),
  outcome: z.enum(['pass', 'marginal', 'fail']),
  p: z.number().nullable(),
  effect: z.number().nullable(),
  reason: z.string(),
});

export const verdictSchema = z.object({
  verdict: z.enum(['pass', 'marginal', 'fail']),
  alphaPerComparison: z.number(),
  findings: z.array(finding),
});

const waveProgress = z.object({
  name: z.string(),
  devices: z.number(),
  control: z.number(),
  controlReports: z.number(),
  notified: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  startedAt: z.string().nullable(),
  bakeUntil: z.string().nullable(),
  judgedAt: z.string().nullable(),
  verdict: verdictSchema.nullable(),
});

const decision = z.object({
  seq: z.number(),
  at: z.string(),
  wave: z.number(),
  from: z.string().nullable(),
  to: z.string(),
  event: z.string(),
  detail: z.string(),
  by: z.string().nullable(),
});

const deviceProgress = z.object({
  id: z.string(),
  name: z.string(),
  /** 1-based wave number; null for a device outside every wave. */
  wave: z.number().nullable(),
  state: z.enum(DEVICE_STATES),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Milliseconds per phase from the device's final report: downloadMs, installMs, healthMs... */
  timings: z.record(z.string(), z.number()).nullable(),
  health: healthSchema.nullable(),
  /** Installed, and the patch needs a reboot (absent from servers before the flag). */
  rebootRequired: z.boolean().optional(),
  ...deviceStatusFields,
});

export const rolloutProgressSchema = z.object({
  id: z.string(),
  patch: z.object({ name: z.string(), version: z.string() }),
  state: z.enum(ROLLOUT_STATES),
  /** The engine's state: `paused` carries why, e.g. `paused (judge-fail)`. */
  phase: z.string(),
  /** 1-based wave the rollout is at. */
  wave: z.number(),
  expedited: z.boolean(),
  /** The operator actions the current state allows. */
  allowed: z.array(z.enum(ROLLOUT_ACTIONS)),
  waves: z.array(waveProgress),
  rollback: z
    .object({
      total: z.number(),
      pending: z.number(),
      /** Devices that refused the undo (ROLLBACK_STALE), with their reason. */
      refused: z.record(z.string(), z.string()).optional(),
    })
    .nullable(),
  /** Started with `--devices`: one wave of the selected devices (ADR 0015). */
  plain: z.boolean().optional(),
  decisions: z.array(decision),
  devices: z.array(deviceProgress),
  /** Running, waiting (for what) or ended (absent from servers before it). */
  outlook: rolloutOutlookSchema.optional(),
});
export type RolloutProgress = z.infer<typeof rolloutProgressSchema>;
export type WaveProgress = z.infer<typeof waveProgress>;
