/**
 * Collects the package inventory of this host: os-release, kernel, dpkg, rpm, npm and Python
 * packages. Every
 * location is an option, so tests and unusual hosts pass their own; warnings never stop it.
 */
import { hostname, release } from 'node:os';
import { DEFAULT_DPKG_STATUS } from './dpkg-status.js';
import { INVENTORY_FORMAT } from './inventory-types.js';
import type { CollectWarning, NpmPackage, PackageInventory } from './inventory-types.js';
import { globalNpmPackages } from './npm-global.js';
import { OS_RELEASE_PATHS } from './os-release.js';
import { readDpkgStatus, readLockfile, readOsRelease } from './readers.js';
import { readRpmDb } from './rpm-db.js';
import type { RpmDbOptions } from './rpm-db.js';
import type { PypiPackage, RpmPackage } from './inventory-types.js';
import { pythonSitePackages } from './python-site.js';

export interface CollectOptions {
  readonly dpkgStatusPath?: string | undefined;
  /** How to query the rpm database (`rpm --root`, `--dbpath`); false skips rpm. */
  readonly rpm?: RpmDbOptions | false | undefined;
  readonly osReleasePaths?: readonly string[] | undefined;
  /** package-lock.json or npm-shrinkwrap.json files of the applications on this host. */
  readonly npmLockfiles?: readonly string[] | undefined;
  /** Global node_modules folders, e.g. /usr/lib/node_modules. */
  readonly npmGlobalRoots?: readonly string[] | undefined;
  /** site-packages folders and virtual environments whose Python distributions are listed. */
  readonly pythonSites?: readonly string[] | undefined;
  readonly hostname?: string | undefined;
  readonly kernelRelease?: (() => string) | undefined;
  readonly now?: (() => Date) | undefined;
  /**
   * The inventory collected last time. A lockfile that exists but cannot be read keeps its
   * entries from it: a half-written or corrupt file must not look like removed packages, which
   * would close findings while the vulnerable versions are still installed.
   */
  readonly previous?: PackageInventory | undefined;
}

export interface CollectedInventory {
  readonly inventory: PackageInventory;
  readonly warnings: readonly CollectWarning[];
}

async function npmPackages(
  options: CollectOptions,
  warnings: CollectWarning[],
): Promise<NpmPackage[]> {
  const packages: NpmPackage[] = [];
  for (const file of options.npmLockfiles ?? []) {
    const found = await readLockfile(file);
    packages.push(...found.packages);
    warnings.push(...found.warnings);
    if (!found.unreadable || options.previous === undefined) continue;
    const kept = options.previous.npm.filter((p) => p.path.startsWith(`${file}#`));
    packages.push(...kept);
    if (kept.length > 0)
      warnings.push({
        source: file,
        reason: `kept its ${kept.length} entries from the last inventory`,
      });
  }
  for (const root of options.npmGlobalRoots ?? []) {
    const found = await globalNpmPackages(root);
    packages.push(...found.packages);
    warnings.push(...found.warnings);
  }
  return packages;
}

/**
 * rpm packages; a database rpm cannot read keeps the entries of the last inventory (as a
 * corrupt lockfile does): a locked or damaged database must not look like removed packages.
 */
async function rpmPackages(
  options: CollectOptions,
  warnings: CollectWarning[],
): Promise<RpmPackage[]> {
  if (options.rpm === false) return [];
  const found = await readRpmDb(options.rpm ?? {});
  warnings.push(...found.warnings);
  const kept = found.failed ? (options.previous?.rpm ?? []) : [];
  if (kept.length > 0)
    warnings.push({
      source: 'rpm',
      reason: `kept its ${kept.length} entries from the last inventory`,
    });
  return found.failed ? [...kept] : found.packages;
}

async function pypiPackages(
  options: CollectOptions,
  warnings: CollectWarning[],
): Promise<PypiPackage[]> {
  const packages: PypiPackage[] = [];
  for (const path of options.pythonSites ?? []) {
    const found = await pythonSitePackages(path);
    packages.push(...found.packages);
    warnings.push(...found.warnings);
  }
  return packages;
}

export async function collectPackageInventory(
  options: CollectOptions = {},
): Promise<CollectedInventory> {
  const warnings: CollectWarning[] = [];
  // Taken before anything is read: an install recorded before this time is on disk for it.
  const collectedAt = (options.now ?? (() => new Date()))().toISOString();
  const dpkg = await readDpkgStatus(options.dpkgStatusPath ?? DEFAULT_DPKG_STATUS);
  warnings.push(...dpkg.warnings);
  const rpm = await rpmPackages(options, warnings);
  const npm = await npmPackages(options, warnings);
  const pypi = await pypiPackages(options, warnings);
  const inventory: PackageInventory = {
    format: INVENTORY_FORMAT,
    collectedAt,
    hostname: options.hostname ?? hostname(),
    os: await readOsRelease(options.osReleasePaths ?? OS_RELEASE_PATHS),
    kernel: { release: (options.kernelRelease ?? release)() },
    dpkg: dpkg.packages,
    ...(rpm.length === 0 ? {} : { rpm }),
    npm,
    ...(pypi.length === 0 ? {} : { pypi }),
  };
  return { inventory, warnings };
}
