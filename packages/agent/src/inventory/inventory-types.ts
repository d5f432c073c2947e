/** The package inventory types come from the wire contract; only collector warnings are local. */
export { DPKG_PRESENT_STATES, INVENTORY_FORMAT } from '@patchcast/protocol/agent';
export type {
  DpkgPackage,
  DpkgPresentState,
  KernelInfo,
  NpmPackage,
  OsRelease,
  PackageInventory,
  PypiPackage,
  RpmPackage,
} from '@patchcast/protocol/agent';

/** Something a collector skipped, with where and why; collection goes on. */
export interface CollectWarning {
  readonly source: string;
  readonly reason: string;
}
