/**
 * The agent's side of the agent channel, checked without zod: the server's messages (must-ignore:
 * unknown fields dropped, docs/protocol/agent-channel.md §Compatibility) and the reports and
 * installed patches the agent keeps in its state file (strict). Each guard accepts and refuses
 * what its zod schema in agent-channel-schema.ts does (test/agent-channel-guards.test.ts).
 */
import { DEVICE_STATES } from './device-state.js';
import {
  array,
  boolean,
  discriminated,
  int,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  strictObject,
  string,
  unknown,
} from './guard.js';
import type { Guard } from './guard.js';
import type { Report, ServerMessage } from './agent-channel-schema.js';
import type { DeviceCertificateGrant } from './device-certificate-grant.js';

const text = (max: number) => string({ max });
const count = int({ min: 0 });
const patch = strictObject({ name: text(128), version: text(64) });
const rolloutId = text(64);

/** Numeric health metrics (probe latency, error counts, custom): at most 64 of them. */
export const healthMetricsGuard = record(string({ pattern: /^[A-Za-z0-9._-]{1,64}$/ }), number(), {
  maxKeys: 64,
});

export const installedPatchGuard = strictObject({
  name: text(128),
  version: text(64),
  installedAt: text(64),
});

export const reportGuard: Guard<Report> = strictObject({
  type: literal('report'),
  reportId: string({ min: 8, max: 64 }),
  rolloutId,
  patch,
  state: oneOf(DEVICE_STATES),
  error: optional(strictObject({ code: text(64), message: text(4096) })),
  timings: optional(record(text(32), number({ min: 0 }))),
  health: optional(strictObject({ healthy: boolean(), metrics: healthMetricsGuard })),
  rebootRequired: optional(literal(true)),
  bootId: optional(text(64)),
});

const certificateFields = {
  certificate: text(16_384),
  deviceCa: text(16_384),
  agentUrls: array(text(2048), { max: 64 }),
};
export const deviceCertificateGrantGuard: Guard<DeviceCertificateGrant> = object(certificateFields);

const serverMessageKinds = {
  challenge: object({ type: literal('challenge'), nonce: text(128), serverTime: string() }),
  welcome: object({
    type: literal('welcome'),
    deviceId: string(),
    heartbeatMs: int({ min: 1 }),
    labels: optional(record(text(63), text(255))),
    deviceCertificates: optional(boolean()),
  }),
  certificate: object({ type: literal('certificate'), ...certificateFields }),
  notice: object({
    type: literal('notice'),
    rolloutId,
    patch,
    targetPath: text(512),
    timestampVersion: count,
    allowDowngrade: optional(literal(true)),
  }),
  ack: object({ type: literal('ack'), reportId: text(64) }),
  'inventory-ack': object({ type: literal('inventory-ack'), updateId: text(64), digest: text(64) }),
  'inventory-resync': object({
    type: literal('inventory-resync'),
    updateId: text(64),
    code: text(64),
    message: text(4096),
  }),
  'health-request': object({
    type: literal('health-request'),
    rolloutId,
    wave: count,
    patch,
    targetPath: text(512),
  }),
  rollback: object({ type: literal('rollback'), rolloutId, patch }),
  /** The tracker's answers; peers/peer-channel.ts checks the body. */
  peer: object({ type: literal('peer'), body: unknown() }),
  error: object({ type: literal('error'), code: text(64), message: text(4096) }),
};

/** Server -> agent messages of the types this agent knows. */
export const serverMessageGuard: Guard<ServerMessage> & { readonly kinds: readonly string[] } =
  discriminated('type', serverMessageKinds);
