/** Bus events on the wire: JSON, parsed once at the boundary into typed, read-only events. */
import { z } from 'zod';
import { DEVICE_STATES } from '@patchcast/protocol';
import { DISCONNECT_REASONS, ROLLOUT_EVENT_KINDS } from '../bus.js';
import type { BusEvents, BusTopic } from '../bus.js';

const id = z.string().min(1).max(200);

const schemas: { readonly [T in BusTopic]: z.ZodType<BusEvents[T]> } = {
  notice: z.object({
    id: id.optional(),
    rolloutId: id,
    patch: z.object({ name: z.string(), version: z.string() }),
    targetPath: z.string(),
    deviceIds: z.array(id),
    allowDowngrade: z.literal(true).optional(),
  }),
  'device-command': z.object({
    kind: z.enum(['health-request', 'rollback']),
    rolloutId: id,
    wave: z.number().int().nonnegative(),
    patch: z.object({ name: z.string(), version: z.string() }),
    targetPath: z.string(),
    deviceIds: z.array(id),
  }),
  'device-result': z.object({
    id,
    rolloutId: id,
    deviceId: id,
    state: z.enum(DEVICE_STATES),
    node: id,
  }),
  'device-health': z.object({
    id: z.string().min(1).max(300),
    rolloutId: id,
    deviceId: id,
    node: id,
    wave: z.number().int().nonnegative(),
  }),
  'rollout-event': z.object({
    id,
    rolloutId: id,
    kind: z.enum(ROLLOUT_EVENT_KINDS),
    node: id,
    at: z.string(),
  }),
  'device-disconnect': z.object({
    id: z.string().min(1).max(300),
    deviceId: id,
    publicKey: z.string().regex(/^[0-9a-f]{64}$/),
    reason: z.enum(DISCONNECT_REASONS),
    node: id,
  }),
};

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeEvent<T extends BusTopic>(event: BusEvents[T]): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** The event, or undefined when the bytes are not a valid event of this topic. */
export function decodeEvent<T extends BusTopic>(
  topic: T,
  bytes: Uint8Array,
): BusEvents[T] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const schema: z.ZodType<BusEvents[T]> = schemas[topic];
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
