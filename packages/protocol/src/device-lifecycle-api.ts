/**
 * Device lifecycle on the HTTP API (ADR 0029): revoking and removing devices, and listing and
 * revoking enrollment tokens. Schemas shared by the server, which validates with them, and the
 * client, which parses answers with them.
 */
import { z } from 'zod';
import { deviceSchema } from './api.js';

/** `POST /api/v1/devices/:id/revoke`: why, for the log and the device list. */
export const revokeDeviceRequest = z.strictObject({
  reason: z.string().min(1).max(500).optional(),
});
export type RevokeDeviceRequest = z.input<typeof revokeDeviceRequest>;

/** The device after `revoke` or `remove`; `changed` is false when it already was. */
export const deviceLifecycleResponse = z.object({ device: deviceSchema, changed: z.boolean() });
export type DeviceLifecycleResponse = z.infer<typeof deviceLifecycleResponse>;

export const ENROLL_TOKEN_STATES = ['active', 'used', 'expired', 'revoked'] as const;

/** An enrollment token as listed: never the token itself or its hash. */
export const enrollTokenInfoSchema = z.object({
  id: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().optional(),
  revokedAt: z.string().optional(),
  replaces: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  state: z.enum(ENROLL_TOKEN_STATES),
});
export type EnrollTokenInfo = z.infer<typeof enrollTokenInfoSchema>;
export const enrollTokensResponse = z.object({ tokens: z.array(enrollTokenInfoSchema) });
