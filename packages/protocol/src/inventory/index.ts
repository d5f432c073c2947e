export {
  DPKG_PRESENT_STATES,
  INVENTORY_FORMAT,
  INVENTORY_LIMITS,
  dpkgPackageSchema,
  kernelSchema,
  npmPackageSchema,
  osReleaseSchema,
  packageInventorySchema,
} from './inventory-schema.js';
export type {
  DpkgPackage,
  DpkgPresentState,
  KernelInfo,
  NpmPackage,
  OsRelease,
  PackageInventory,
} from './inventory-schema.js';
export { parsePackageInventory } from './parse-inventory.js';
