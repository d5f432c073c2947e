/**
 * The agent channel's zod schemas (docs/protocol/agent-channel.md): the server parses agent
 * messages with them, and they are the reference the agent's guards are tested against
 * (agent-channel-guards.ts). The idle agent does not load this module: see agent-channel.ts.
 */
import { z } from 'zod';
import { parseFrame } from './agent-channel.js';
import { DEVICE_STATES } from './device-state.js';

const patch = z.strictObject({ name: z.string().max(128), version: z.string().max(64) });
const errorInfo = z.strictObject({ code: z.string().max(64), message: z.string().max(4096) });
const timings = z.record(z.string().max(32), z.number().nonnegative()).optional();
/** Numeric health metrics (probe latency, error counts, custom): at most 64 of them. */
export const healthMetricsSchema = z
  .record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), z.number())
  .refine((m) => Object.keys(m).length <= 64, 'at most 64 metrics');
/** A health check's outcome: did it pass, and the metrics it measured. */
export const healthSchema = z.strictObject({ healthy: z.boolean(), metrics: healthMetricsSchema });
export type Health = z.infer<typeof healthSchema>;

export const installedPatchSchema = z.strictObject({
  name: z.string().max(128),
  version: z.string().max(64),
  installedAt: z.string().max(64),
});

export const inventorySchema = z.strictObject({
  hostname: z.string().max(255),
  os: z.string().max(255),
  arch: z.string().max(64),
  agentVersion: z.string().max(64),
  installed: z.array(installedPatchSchema).max(10_000),
});
export type Inventory = z.infer<typeof inventorySchema>;

/**
 * Server -> agent messages. Must-ignore (docs/protocol/agent-channel.md §Compatibility): an agent
 * drops fields it does not know and ignores whole messages of a type it does not know, so a newer
 * server can add both without cutting older agents off. Agent -> server messages stay strict.
 */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('challenge'),
    nonce: z.string().max(128),
    serverTime: z.string(),
  }),
  z.object({
    type: z.literal('welcome'),
    deviceId: z.string(),
    heartbeatMs: z.number().int().positive(),
    /** The device's labels as the server holds them (they change only through the server). */
    labels: z.record(z.string().max(63), z.string().max(255)).optional(),
    /** The server issues device certificates on this channel (`certificate-request`, ADR 0030). */
    deviceCertificates: z.boolean().optional(),
  }),
  /** A device certificate, asked for with `certificate-request` or handed out before a refusal. */
  z.object({
    type: z.literal('certificate'),
    certificate: z.string().max(16_384),
    deviceCa: z.string().max(16_384),
    agentUrls: z.array(z.string().max(2048)).max(64),
  }),
  z.object({
    type: z.literal('notice'),
    rolloutId: z.string().max(64),
    patch,
    targetPath: z.string().max(512),
    timestampVersion: z.number().int().nonnegative(),
    /** The rollout allows installing below the device's installed version (absent: refuse). */
    allowDowngrade: z.literal(true).optional(),
  }),
  z.object({ type: z.literal('ack'), reportId: z.string().max(64) }),
  /** A package inventory update was stored (docs/protocol/inventory.md §4). */
  z.object({
    type: z.literal('inventory-ack'),
    updateId: z.string().max(64),
    digest: z.string().max(64),
  }),
  /** A package inventory update was refused: the agent sends its full inventory again. */
  z.object({
    type: z.literal('inventory-resync'),
    updateId: z.string().max(64),
    code: z.string().max(64),
    message: z.string().max(4096),
  }),
  /** A control device runs the patch's health check without installing and answers `health`. */
  z.object({
    type: z.literal('health-request'),
    rolloutId: z.string().max(64),
    wave: z.number().int().nonnegative(),
    patch,
    targetPath: z.string().max(512),
  }),
  /** Undo the install this rollout made; the agent answers with a `rolled-back` report. */
  z.object({ type: z.literal('rollback'), rolloutId: z.string().max(64), patch }),
  /** The tracker's answers; the body is parsed by protocol's peers module (docs/protocol/peers.md). */
  z.object({ type: z.literal('peer'), body: z.unknown() }),
  z.object({
    type: z.literal('error'),
    code: z.string().max(64),
    message: z.string().max(4096),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type Notice = Extract<ServerMessage, { type: 'notice' }>;
export type HealthRequest = Extract<ServerMessage, { type: 'health-request' }>;
export type CertificateMessage = Extract<ServerMessage, { type: 'certificate' }>;
export type RollbackCommand = Extract<ServerMessage, { type: 'rollback' }>;

export const reportSchema = z.strictObject({
  type: z.literal('report'),
  reportId: z.string().min(8).max(64),
  rolloutId: z.string().max(64),
  patch,
  state: z.enum(DEVICE_STATES),
  error: errorInfo.optional(),
  timings,
  /** On a final report: the health check's outcome and metrics, for the canary judge. */
  health: healthSchema.optional(),
  /** On an `installed` report: the bundle says the machine needs a reboot (never done by the agent). */
  rebootRequired: z.literal(true).optional(),
  /** With `rebootRequired`: the machine's boot id at install time (a later boot clears the flag). */
  bootId: z.string().max(64).optional(),
});

export const agentMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hello'),
    deviceId: z.string().max(64),
    nonce: z.string().max(128),
    signature: z.string().max(256),
    lastTimestampVersion: z.number().int().nonnegative(),
    inventory: inventorySchema,
    /** The agent's latest verified log checkpoint (a C2SP signed note), for split-view checks. */
    checkpoint: z.string().max(16_384).optional(),
  }),
  reportSchema,
  z.strictObject({ type: z.literal('inventory'), inventory: inventorySchema }),
  /** Sent after every welcome: the machine's boot id; a new one clears "reboot required". */
  z.strictObject({ type: z.literal('boot'), bootId: z.string().min(1).max(64) }),
  /** One part of a package inventory update; the vulns feature checks `update` (INVENTORY_INVALID). */
  z.strictObject({ type: z.literal('package-inventory'), update: z.unknown() }),
  /** Asks for a new device certificate; only sent when the welcome says the server issues them. */
  z.strictObject({ type: z.literal('certificate-request') }),
  /** Peer-to-peer: the body is parsed by the server's peers feature (docs/protocol/peers.md). */
  z.strictObject({ type: z.literal('peer'), body: z.unknown() }),
  z.strictObject({
    type: z.literal('health'),
    rolloutId: z.string().max(64),
    wave: z.number().int().nonnegative(),
    healthy: z.boolean(),
    metrics: healthMetricsSchema,
  }),
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type Report = Extract<AgentMessage, { type: 'report' }>;
export type Hello = Extract<AgentMessage, { type: 'hello' }>;
export type HealthMessage = Extract<AgentMessage, { type: 'health' }>;

export function parseAgentMessage(text: string): AgentMessage | undefined {
  return parseFrame(agentMessageSchema, text);
}
