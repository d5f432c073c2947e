/**
 * The package inventory an agent collects: OS release, kernel, dpkg, rpm, npm and Python
 * packages.
 * docs/protocol/inventory.md describes it; these schemas are the contract.
 */
import { z } from 'zod';
import { DPKG_PRESENT_STATES, INVENTORY_FORMAT, INVENTORY_LIMITS } from './inventory-limits.js';

export { DPKG_PRESENT_STATES, INVENTORY_FORMAT, INVENTORY_LIMITS } from './inventory-limits.js';
export type { DpkgPresentState } from './inventory-limits.js';

const text = z.string().min(1).max(INVENTORY_LIMITS.text);

export const osReleaseSchema = z.strictObject({
  /** os-release(5) ID, e.g. 'debian'. */
  id: text,
  /** VERSION_ID, e.g. '12'; absent on Debian testing and unstable. */
  versionId: text.optional(),
  versionCodename: text.optional(),
  prettyName: text.optional(),
  idLike: z.array(text).max(16).optional(),
});
export type OsRelease = z.infer<typeof osReleaseSchema>;

export const kernelSchema = z.strictObject({ release: text });
export type KernelInfo = z.infer<typeof kernelSchema>;

export const dpkgPackageSchema = z.strictObject({
  name: text,
  version: text,
  architecture: text,
  /** Source package: the Source field's name, or the binary name when there is none. */
  source: text,
  /** Source version: from "Source: name (version)", else the binary version. */
  sourceVersion: text,
  status: z.enum(DPKG_PRESENT_STATES),
});
export type DpkgPackage = z.infer<typeof dpkgPackageSchema>;

export const rpmPackageSchema = z.strictObject({
  /** rpm NAME (the binary package). */
  name: text,
  /** rpm EPOCH; absent when the package has none. */
  epoch: z
    .string()
    .regex(/^[0-9]{1,10}$/, 'must be 1 to 10 digits')
    .optional(),
  version: text,
  release: text,
  /** rpm ARCH, e.g. 'x86_64', 'noarch'. */
  arch: text,
  /** rpm SOURCERPM, e.g. 'openssl-3.0.7-24.el9.src.rpm'. */
  sourceRpm: text.optional(),
});
export type RpmPackage = z.infer<typeof rpmPackageSchema>;

export const npmPackageSchema = z.strictObject({
  name: text,
  version: text,
  /** '<lockfile>#<key in its packages map>' or the package folder of a global install. */
  path: z.string().min(1).max(4096),
  dev: z.boolean().optional(),
});
export type NpmPackage = z.infer<typeof npmPackageSchema>;

export const pypiPackageSchema = z.strictObject({
  /** The distribution name as its METADATA writes it (matching normalises it, PEP 503). */
  name: text,
  version: text,
  /** The .dist-info (or .egg-info) folder it was read from. */
  path: z.string().min(1).max(4096),
});
export type PypiPackage = z.infer<typeof pypiPackageSchema>;

export const packageInventorySchema = z.strictObject({
  format: z.literal(INVENTORY_FORMAT),
  collectedAt: z.iso.datetime(),
  hostname: text.optional(),
  os: osReleaseSchema.nullable(),
  kernel: kernelSchema.nullable(),
  dpkg: z.array(dpkgPackageSchema).max(INVENTORY_LIMITS.dpkg),
  /** Present when the host has an rpm database with packages. */
  rpm: z.array(rpmPackageSchema).max(INVENTORY_LIMITS.rpm).optional(),
  npm: z.array(npmPackageSchema).max(INVENTORY_LIMITS.npm),
  /** Present when listed site-packages folders hold distributions. */
  pypi: z.array(pypiPackageSchema).max(INVENTORY_LIMITS.pypi).optional(),
});
export type PackageInventory = z.infer<typeof packageInventorySchema>;
