/**
 * Webhooks (docs/protocol/webhooks.md): the events a server sends out, signed per the Standard
 * Webhooks specification, and the management API under /api/v1/webhooks (admin adds and removes,
 * operator reads). A webhook's secret goes to the server once and is never answered back.
 */
import { z } from 'zod';

export const WEBHOOK_ROUTES = {
  webhooks: '/api/v1/webhooks',
  webhook: '/api/v1/webhooks/:id',
  deliveries: '/api/v1/webhooks/:id/deliveries',
} as const;

export const WEBHOOK_EVENTS = [
  'rollout.started',
  'rollout.wave.completed',
  'rollout.paused',
  'rollout.completed',
  'rollout.aborted',
  'rollout.rolled-back',
  'device.install-failed',
  'finding.kev',
  'log.checkpoint',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** `whsec_` and the base64 of 24 to 64 random bytes (Standard Webhooks' secret form). */
export const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

export const createWebhookRequest = z.strictObject({
  url: z.string().min(1).max(2048),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  secret: z.string().regex(WEBHOOK_SECRET, 'a Standard Webhooks secret: whsec_ and base64'),
  /** Allows private, loopback and link-local destinations (a receiver on the same host, a lab). */
  allowPrivate: z.boolean().optional(),
});
export type CreateWebhookRequest = z.infer<typeof createWebhookRequest>;

/** A webhook as listed: never its secret. */
export const webhookInfoSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  allowPrivate: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type WebhookInfo = z.infer<typeof webhookInfoSchema>;
export const webhooksResponse = z.object({ webhooks: z.array(webhookInfoSchema) });

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

export const deliveryAttemptSchema = z.object({
  attempt: z.number(),
  at: z.string(),
  /** The receiver's HTTP status; null when there was no answer (refused, timeout, network). */
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

/** One event for one webhook: its state and every attempt, oldest first. */
export const deliverySchema = z.object({
  eventId: z.string(),
  type: z.enum(WEBHOOK_EVENTS),
  state: z.enum(DELIVERY_STATES),
  createdAt: z.string(),
  attempts: z.number(),
  /** When the next attempt is due; null once delivered or failed. */
  nextAttemptAt: z.string().nullable(),
  log: z.array(deliveryAttemptSchema),
});
export type Delivery = z.infer<typeof deliverySchema>;
export const deliveriesResponse = z.object({
  webhook: webhookInfoSchema,
  deliveries: z.array(deliverySchema),
});
/** `GET .../deliveries?limit=N`: the newest N deliveries (default 50). */
export const MAX_DELIVERIES = 500;
export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_DELIVERIES).optional(),
});
export type DeliveriesResponse = z.infer<typeof deliveriesResponse>;
