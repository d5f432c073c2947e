/** The HTTP management API under /api/v1: routes, roles, and request/response schemas. */
import { z } from 'zod';
import { DEVICE_STATES } from './device-state.js';
import { inventorySchema } from './agent-channel-schema.js';
import { deviceStatusFields, rolloutOutlookSchema } from './rollout-status.js';

export { deviceCertificateGrant } from './device-certificate-grant.js';
export * from './log-proof-api.js';
export { errorBodySchema } from './error-body.js';
export type { ErrorBody } from './error-body.js';
export { ENROLL_OUTCOMES, ENROLL_PURPOSE, enrollStatement } from './enroll-api.js';
export { enrollResponse } from './enroll-api-schema.js';
export type { EnrollResponse } from './enroll-api-schema.js';
export type { DeviceCertificateGrant } from './device-certificate-grant.js';

export const ROLES = ['viewer', 'operator', 'publisher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Each role may do what the roles before it may do (admin can do everything). */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export const ROUTES = {
  status: '/api/v1/status',
  enrollTokens: '/api/v1/enroll-tokens',
  enrollToken: '/api/v1/enroll-tokens/:id',
  enroll: '/api/v1/enroll',
  devices: '/api/v1/devices',
  deviceResults: '/api/v1/devices/:id/results',
  deviceLabels: '/api/v1/devices/:id/labels',
  device: '/api/v1/devices/:id',
  deviceRevoke: '/api/v1/devices/:id/revoke',
  artifact: '/api/v1/artifacts/:sha256',
  targets: '/api/v1/repository/targets',
  root: '/api/v1/repository/root',
  /** The repository's roles, keys and expiry dates (viewer). */
  repositoryRoles: '/api/v1/repository/roles',
  rollouts: '/api/v1/rollouts',
  rollout: '/api/v1/rollouts/:id',
  patches: '/api/v1/patches',
  tokens: '/api/v1/tokens',
  token: '/api/v1/tokens/:id',
  /** This API described in OpenAPI 3.1 (public; docs/api.md renders it). */
  openapi: '/api/v1/openapi.json',
} as const;

/** Prometheus metrics in the text format (viewer role; docs/operations.md "Metrics"). */
export const METRICS_PATH = '/metrics';

export const MAX_DEVICE_LABELS = 64;
const labelKey = z.string().regex(/^[a-zA-Z0-9._/-]{1,63}$/);
export const labels = z
  .record(labelKey, z.string().max(255))
  .refine((l) => Object.keys(l).length <= MAX_DEVICE_LABELS, `at most ${MAX_DEVICE_LABELS} labels`);
export const deviceId = z.string().min(1).max(64);

export const createEnrollTokenRequest = z.strictObject({
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(365 * 24 * 3600)
    .optional(),
  /** A replacement token: it may only enroll a new key for this device (agent `--replace`). */
  replaces: deviceId.optional(),
  /** Labels every device enrolled with the token gets; they win over the agent's --label. */
  labels: labels.optional(),
});
export type CreateEnrollTokenRequest = z.input<typeof createEnrollTokenRequest>;
export const enrollTokenResponse = z.object({
  /** The token's id, for `enroll-token list` and `revoke` (absent from older servers). */
  id: z.string().optional(),
  token: z.string(),
  expiresAt: z.string(),
  replaces: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type EnrollTokenResponse = z.infer<typeof enrollTokenResponse>;

export const enrollRequest = z.strictObject({
  token: z.string().max(256),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().min(1).max(255),
  labels: labels.default({}),
  inventory: inventorySchema,
  /** The device this host takes over (needs a replacement token for exactly that device). */
  replaces: deviceId.optional(),
  /** Hex Ed25519 signature by `publicKey` over `enrollStatement(token, publicKey)`: proof of
   * holding the key, required when the key is already enrolled (re-enrollment). */
  proof: z
    .string()
    .regex(/^[0-9a-f]{128}$/)
    .optional(),
});

export type EnrollRequest = z.input<typeof enrollRequest>;

/** `patchcast devices label ID k=v k-`: labels to set and label names to remove. */
export const labelChangeRequest = z
  .strictObject({
    set: z.record(labelKey, z.string().min(1).max(255)).default({}),
    remove: z.array(labelKey).max(MAX_DEVICE_LABELS).default([]),
  })
  .refine((c) => Object.keys(c.set).length + c.remove.length > 0, 'nothing to change')
  .refine((c) => c.remove.every((key) => c.set[key] === undefined), 'a label set and removed');
export type LabelChangeRequest = z.input<typeof labelChangeRequest>;

export const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  labels,
  online: z.boolean(),
  enrolledAt: z.string(),
  lastSeenAt: z.string().nullable(),
  inventory: inventorySchema,
  /** An installed patch needs a reboot (absent from servers before the flag). */
  rebootRequired: z.boolean().optional(),
  /**
   * The server's record of the patch versions on the device's disk, from install reports and
   * rollback confirmations, with the rollout of each (ADR 0015; absent from older servers).
   */
  recorded: z
    .array(z.object({ name: z.string(), version: z.string(), rolloutId: z.string() }))
    .optional(),
  /** Refused by the server since this instant (`devices revoke`, ADR 0029). */
  revokedAt: z.string().optional(),
});
export type Device = z.infer<typeof deviceSchema>;
/**
 * The device list's optional query (the console's search): `q` matches the name or id (no case),
 * `label` is `key=value`; `offset` and `limit` page through the matches, sorted by name.
 * Without any of them, every device is listed as before.
 */
export const devicesQuery = z.strictObject({
  q: z.string().max(200).optional(),
  label: z
    .string()
    .max(320)
    .regex(/^[a-zA-Z0-9._/-]{1,63}=/, 'must be key=value')
    .optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type DevicesQuery = z.infer<typeof devicesQuery>;
export const devicesResponse = z.object({
  devices: z.array(deviceSchema),
  /** How many devices match the query (all of them without one); absent from older servers. */
  total: z.number().int().optional(),
});
export const labelChangeResponse = z.object({ device: deviceSchema, changed: z.boolean() });

/** A device's recent results across rollouts, newest first (`GET /api/v1/devices/:id/results`). */
export const deviceResultsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export const deviceResultSchema = z.object({
  rolloutId: z.string(),
  patch: z.object({ name: z.string(), version: z.string() }),
  state: z.enum(DEVICE_STATES),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  timings: z.record(z.string(), z.number()).nullable(),
  rebootRequired: z.boolean(),
  updatedAt: z.string(),
  ...deviceStatusFields,
});
export type DeviceResult = z.infer<typeof deviceResultSchema>;
export const deviceResultsResponse = z.object({
  device: deviceSchema,
  results: z.array(deviceResultSchema),
});
export type DeviceResultsResponse = z.infer<typeof deviceResultsResponse>;

export const artifactResponse = z.object({ sha256: z.string(), length: z.number() });

export const submitTargetsRequest = z.strictObject({
  metadata: z.unknown(),
  /** A delegated targets role's name; absent for the top-level targets role. */
  role: z.string().max(64).optional(),
});
/** A new root (a ceremony's result) and, when it changes the targets keys, targets re-signed. */
export const submitRootRequest = z.strictObject({
  root: z.unknown(),
  targets: z.unknown().optional(),
});
export const repositoryVersions = z.object({
  root: z.number(),
  targets: z.number(),
  snapshot: z.number(),
  timestamp: z.number(),
});
export type RepositoryVersions = z.infer<typeof repositoryVersions>;

export const deviceSelector = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ labels: labels.refine((l) => Object.keys(l).length > 0, 'at least one label') }),
  z.strictObject({ ids: z.array(z.string()).min(1).max(100_000) }),
]);
export type DeviceSelector = z.infer<typeof deviceSelector>;

export const createRolloutRequest = z.strictObject({
  patch: z.strictObject({ name: z.string(), version: z.string() }),
  devices: deviceSelector,
  /** Install even where a device has a higher version of the patch (logged; ADR 0017). */
  allowDowngrade: z.boolean().optional(),
});
export type CreateRolloutRequest = z.infer<typeof createRolloutRequest>;

export const ROLLOUT_STATES = [
  'in-progress',
  'completed',
  'completed-with-failures',
  // planned rollouts (docs/rollouts.md) may also end these ways
  'aborted',
  'rolled-back',
] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

export const rolloutDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(DEVICE_STATES),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  updatedAt: z.string(),
  /** Installed, and the patch needs a reboot (absent from servers before the flag). */
  rebootRequired: z.boolean().optional(),
  /**
   * The device's latest reported timings in ms, and `downloadBytes` / `savedBytes` (bytes fetched,
   * bytes a delta spared: docs/protocol/delta.md); null before any; absent from older servers.
   */
  timings: z.record(z.string(), z.number()).nullable().optional(),
  ...deviceStatusFields,
});

export const rolloutSchema = z.object({
  id: z.string(),
  patch: z.object({ name: z.string(), version: z.string() }),
  state: z.enum(ROLLOUT_STATES),
  createdAt: z.string(),
  createdBy: z.string(),
  completedAt: z.string().nullable(),
  counts: z.object({
    installed: z.number(),
    failed: z.number(),
    pending: z.number(),
    total: z.number(),
  }),
  devices: z.array(rolloutDeviceSchema),
  /** Running, waiting (for what) or ended (absent from servers before it, and from lists). */
  outlook: rolloutOutlookSchema.optional(),
});
export type Rollout = z.infer<typeof rolloutSchema>;
export const rolloutsResponse = z.object({
  rollouts: z.array(rolloutSchema.omit({ devices: true, outlook: true })),
});

/** The transparency log, public and read-only (docs/protocol/log.md). */
export const LOG_ROUTES = {
  checkpoint: '/log/checkpoint',
  key: '/log/key',
  tiles: '/log/tile/*',
  patchProof: '/log/proof/patch/:name/:version',
  consistencyProof: '/log/proof/consistency/:from/:to',
  keyTransitions: '/log/key-transitions',
} as const;

export const logStatus = z.object({
  origin: z.string(),
  key: z.string(),
  size: z.number(),
  /** The time of the newest entry the latest checkpoint covers; absent for an empty log. */
  checkpointAt: z.string().optional(),
});

export const statusResponse = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  storage: z.string(),
  bus: z.string(),
  /** Absent from servers before the scale-out release. `degraded`: events may reach this node only. */
  busHealth: z
    .object({ state: z.enum(['ok', 'degraded']), detail: z.string().optional() })
    .optional(),
  node: z.string().optional(),
  repository: repositoryVersions,
  devices: z.object({ total: z.number(), online: z.number() }),
  rollouts: z.object({ total: z.number(), active: z.number() }),
  log: logStatus,
});
export type StatusResponse = z.infer<typeof statusResponse>;

/** `POST /api/v1/tokens` (admin): a new API token, shown once. */
export const createTokenRequest = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'letters, digits, . _ @ - (at most 64)'),
  role: z.enum(ROLES),
  /** Seconds from now until the token is refused; absent: it never expires. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 24 * 3600)
    .optional(),
  /** The devices the token may act on (rollouts, labels, host replacement). */
  devices: deviceSelector.optional(),
});
export type CreateTokenRequest = z.infer<typeof createTokenRequest>;

/** A token as listed: never its secret or its hash. */
export const tokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  createdBy: z.string().optional(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
  devices: deviceSelector.optional(),
  state: z.enum(['active', 'expired', 'revoked']),
});
export type TokenInfo = z.infer<typeof tokenInfoSchema>;
export const createTokenResponse = z.object({
  id: z.string(),
  token: z.string(),
  info: tokenInfoSchema,
});
export const tokensResponse = z.object({ tokens: z.array(tokenInfoSchema) });
