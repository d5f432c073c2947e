/**
 * The zod schema of one inventory update part (docs/protocol/inventory.md §4), and the server's
 * boundary check of it. The agent builds parts (inventory-update.ts) and never parses one.
 */
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core/base';
import { INVENTORY_UPDATE_LIMITS } from './inventory-update.js';
import {
  INVENTORY_FORMAT,
  INVENTORY_LIMITS,
  dpkgPackageSchema,
  kernelSchema,
  npmPackageSchema,
  osReleaseSchema,
  pypiPackageSchema,
  rpmPackageSchema,
} from './inventory-schema.js';

const digest = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const key = z.string().min(1).max(8192);

export const inventoryHeadSchema = z.strictObject({
  format: z.literal(INVENTORY_FORMAT),
  collectedAt: z.iso.datetime(),
  hostname: z.string().min(1).max(INVENTORY_LIMITS.text).optional(),
  os: osReleaseSchema.nullable(),
  kernel: kernelSchema.nullable(),
});
export type InventoryHead = z.infer<typeof inventoryHeadSchema>;

export const inventoryUpdatePartSchema = z.strictObject({
  updateId: z.string().min(8).max(64),
  /** The digest of the inventory this diff applies to; null for a full inventory. */
  base: digest.nullable(),
  /** The digest of the inventory after the whole update is applied. */
  digest,
  part: z
    .number()
    .int()
    .min(0)
    .max(INVENTORY_UPDATE_LIMITS.parts - 1),
  parts: z.number().int().min(1).max(INVENTORY_UPDATE_LIMITS.parts),
  head: inventoryHeadSchema,
  add: z.strictObject({
    dpkg: z.array(dpkgPackageSchema).max(INVENTORY_LIMITS.dpkg),
    /** Sent only when not empty, so that servers without rpm support read Debian hosts. */
    rpm: z.array(rpmPackageSchema).max(INVENTORY_LIMITS.rpm).optional(),
    npm: z.array(npmPackageSchema).max(INVENTORY_LIMITS.npm),
    /** Sent only when not empty, as `rpm`. */
    pypi: z.array(pypiPackageSchema).max(INVENTORY_LIMITS.pypi).optional(),
  }),
  /** Keys of removed entries: `name:architecture` for dpkg, NEVRA for rpm, `path` for npm, pypi. */
  remove: z.strictObject({
    dpkg: z.array(key).max(INVENTORY_LIMITS.dpkg),
    rpm: z.array(key).max(INVENTORY_LIMITS.rpm).optional(),
    npm: z.array(key).max(INVENTORY_LIMITS.npm),
    pypi: z.array(key).max(INVENTORY_LIMITS.pypi).optional(),
  }),
});
export type InventoryUpdatePart = z.infer<typeof inventoryUpdatePartSchema>;

/** The boundary check of one part: INVENTORY_INVALID names the first bad field. */
export function parseInventoryUpdatePart(value: unknown): InventoryUpdatePart {
  const result = inventoryUpdatePartSchema.safeParse(value);
  if (result.success) {
    if (result.data.part < result.data.parts) return result.data;
    throw new PatchcastError('INVENTORY_INVALID', 'inventory update: part is not below parts');
  }
  const issue = result.error.issues[0];
  const where = issue === undefined ? '' : ` at ${issue.path.map(String).join('.')}`;
  throw new PatchcastError(
    'INVENTORY_INVALID',
    `inventory update${where}: ${issue?.message ?? 'invalid'}`,
    { hint: 'the agent sends its full inventory again (docs/protocol/inventory.md)' },
  );
}
