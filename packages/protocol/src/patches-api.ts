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
