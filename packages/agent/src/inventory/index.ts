export { collectPackageInventory } from './collect.js';
export type { CollectOptions, CollectedInventory } from './collect.js';
export { DEFAULT_DPKG_STATUS, parseDpkgStatus } from './dpkg-status.js';
export type { DpkgStatus } from './dpkg-status.js';
export { OS_RELEASE_PATHS, parseOsRelease } from './os-release.js';
export { PYTHON_SITE_LIMITS, parseCoreMetadata, pythonSitePackages } from './python-site.js';
export type { PythonSite } from './python-site.js';
export { RPM_QUERY_FORMAT, parseRpmQuery, readRpmDb, rpmQueryArgs } from './rpm-db.js';
export type { RpmDb, RpmDbOptions } from './rpm-db.js';
export { lockfilePackages } from './npm-lockfile.js';
export type { LockfilePackages } from './npm-lockfile.js';
export { NPM_GLOBAL_LIMITS, globalNpmPackages } from './npm-global.js';
export { readDpkgStatus, readLockfile, readOsRelease } from './readers.js';
export { DPKG_PRESENT_STATES, INVENTORY_FORMAT } from './inventory-types.js';
export type {
  CollectWarning,
  DpkgPackage,
  DpkgPresentState,
  KernelInfo,
  NpmPackage,
  OsRelease,
  PackageInventory,
  PypiPackage,
  RpmPackage,
} from './inventory-types.js';
export { INVENTORY_CONFIG_FILE, readInventoryConfig } from './inventory-config.js';
export type { InventoryConfig } from './inventory-config.js';
export { PackageInventorySync } from './inventory-sync.js';
export type { InventorySyncDeps } from './inventory-sync.js';
export { startInventorySync } from './inventory-agent.js';
export type { InventoryAgent } from './inventory-agent.js';
