/**
 * What a rollout's status says beyond the stored per-device states (docs/rollouts.md "Honest
 * status", ADR 0016): each device's status as an operator reads it, and the rollout's outlook:
 * is it still moving by itself, or waiting for an operator, an offline device or a window.
 */
import { z } from 'zod';

/**
 * A device's status in one rollout, derived on the server from the stored assignment state, the
 * device's connection, the rollout's state and (planned rollouts) its engine's waves and windows.
 */
export const DEVICE_STATUSES = [
  'offline', // must act next, but is not connected
  'not-notified', // not sent the patch (yet): a later wave, an approval gate, or the rollout ended first
  'deferred', // waiting for a maintenance window (the plan's, or the device's own)
  'pending', // sent, not started
  'installing', // downloading or installing
  'installed',
  'failed',
  'rolled-back',
  'cancelled', // was sent the patch, but the rollout ended without its result
] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** The derived fields of a device row (absent from servers before them). */
export const deviceStatusFields = {
  status: z.enum(DEVICE_STATUSES).optional(),
  /** Why the device has this status, in a few words. */
  statusDetail: z.string().optional(),
  /** Connected to this server node now. */
  online: z.boolean().optional(),
  /** With status `deferred` by the plan's window: when it opens (ISO); null if unknown. */
  windowOpensAt: z.string().nullable().optional(),
};

/** What a rollout waits for when nothing more happens by itself. */
export const ROLLOUT_WAITS = ['operator', 'devices', 'window'] as const;
export type RolloutWait = (typeof ROLLOUT_WAITS)[number];

export const rolloutOutlookSchema = z.object({
  /**
   * `running`: something still happens without anyone (a device installing, a bake, a timer);
   * `waiting`: nothing more happens until an operator acts, a device comes back or a window
   * opens (`waitingFor`); `ended`: the rollout finished.
   */
  state: z.enum(['running', 'waiting', 'ended']),
  waitingFor: z.enum(ROLLOUT_WAITS).nullable(),
  /** One line for people: what happens next, or what is needed. */
  message: z.string(),
  /** Names of the offline devices the rollout waits for. */
  offline: z.array(z.string()),
  /** 1-based wave that awaits `rollout approve`, or null. */
  approvalWave: z.number().nullable(),
  /** The plan's maintenance windows now; null without windows (or expedited past them). */
  window: z
    .object({
      open: z.boolean(),
      /** When the next window opens (ISO), while closed; null if none ever opens. */
      opensAt: z.string().nullable(),
      /** When the open window closes (ISO), while open. */
      closesAt: z.string().nullable(),
    })
    .nullable(),
});
export type RolloutOutlook = z.infer<typeof rolloutOutlookSchema>;
