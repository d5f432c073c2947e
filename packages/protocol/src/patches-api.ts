/**
 * `GET /api/v1/patches` (viewer): every published patch version, in all targets roles, with its
 * state (published, or withdrawn with the publisher's reason), what it fixes and when it was
 * published (the log's patch-published entry; null if the log has none).
 */
import { z } from 'zod';
import { withdrawalSchema } from './patch-custom.js';

export const PATCH_STATES = ['published', 'withdrawn'] as const;
export type PatchState = (typeof PATCH_STATES)[number];

const patchFix = z.object({
  advisories: z.array(z.string()),
  package: z.string(),
  ecosystem: z.string(),
  fixedVersion: z.string(),
});

export const patchVersionSchema = z.object({
  version: z.string(),
  state: z.enum(PATCH_STATES),
  withdrawn: withdrawalSchema.nullable(),
  /** The delegated targets role that signed it; null for the top-level targets role. */
  role: z.string().nullable(),
  sha256: z.string(),
  length: z.number(),
  publishedAt: z.string().nullable(),
  fixes: z.array(patchFix),
});
export type PatchVersion = z.infer<typeof patchVersionSchema>;

/** A patch name and its versions, highest first (comparePatchVersions, ADR 0017). */
export const patchSchema = z.object({ name: z.string(), versions: z.array(patchVersionSchema) });
export type PatchListing = z.infer<typeof patchSchema>;

export const patchesResponse = z.object({ patches: z.array(patchSchema) });
export type PatchesResponse = z.infer<typeof patchesResponse>;

/** Roles whose metadata is signed with offline keys warn this many days before it expires. */
export const ROLE_EXPIRY_WARNING_DAYS = 30;

const keyThreshold = z.object({ keyids: z.array(z.string()), threshold: z.number().int() });

/**
 * `GET /api/v1/repository/roles` (viewer): the repository's roles as its current metadata names
 * them (root's four roles, the delegations of the top-level targets role), each with its keys,
 * threshold, latest version and expiry. `warning` marks a role signed with offline keys whose
 * metadata has expired or expires within ROLE_EXPIRY_WARNING_DAYS; snapshot and timestamp are
 * re-signed by the server and never warn.
 */
export const repositoryRoleSchema = z.object({
  name: z.string(),
  /** The role that delegates it; null for the top-level roles. */
  delegatedBy: z.string().nullable(),
  keys: keyThreshold,
  /** The ML-DSA-65 keys and threshold Patchcast agents also require; absent for classical roles. */
  pqKeys: keyThreshold.optional(),
  /** Path patterns of a delegated role. */
  paths: z.array(z.string()).optional(),
  /** Latest stored version; 0 for a delegated role that has published nothing yet. */
  version: z.number().int(),
  /** When the latest version expires; null before its first version. */
  expires: z.string().nullable(),
  /** Signed by the server's online keys (snapshot, timestamp). */
  online: z.boolean(),
  warning: z.enum(['expired', 'expires-soon']).nullable(),
});
export type RepositoryRole = z.infer<typeof repositoryRoleSchema>;
export const repositoryRolesResponse = z.object({
  roles: z.array(repositoryRoleSchema),
  warningDays: z.number().int(),
});
export type RepositoryRolesResponse = z.infer<typeof repositoryRolesResponse>;
