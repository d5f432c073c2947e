/**
 * The dpkg installer: installs the .deb files of a bundle with `dpkg --install`, and rolls back
 * to the versions installed before: `dpkg --install` of the cached .deb of each previous version
 * (every .deb this installer installs is cached), `dpkg --purge` of packages that were absent.
 * A package whose installed version has no cached .deb is refused up front: it could not be
 * rolled back.
 */
import { copyFile, lstat, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { ParsedBundle } from '@patchcast/protocol';
import { errnoOf } from '../../install/fs-util.js';
import type { InstallContext } from '../installer.js';
import { packageInstaller } from '../package-transaction.js';
import { stageBlob } from '../stage-blob.js';
import { adminDir, debFields, dpkgInstall, dpkgPurge, installedVersion } from './dpkg-tool.js';

interface DebPackage {
  readonly name: string;
  readonly version: string;
  readonly deb: string;
  readonly previous?: { readonly version: string; readonly deb: string };
}

interface DpkgPayload {
  readonly packages: readonly DebPackage[];
}

export const dpkgInstaller = packageInstaller<DpkgPayload>({
  kind: 'dpkg',
  prepare,
  apply: (payload, context, work) =>
    dpkgInstall(
      target(context, work),
      payload.packages.map((p) => p.deb),
    ),
  rollBack,
  commit,
  isPayload,
});

async function prepare(bundle: ParsedBundle, context: InstallContext, work: string) {
  await requireDatabase(context.root);
  await mkdir(join(work, 'debs'), { mode: 0o700 });
  const packages: DebPackage[] = [];
  for (const [index, file] of bundle.manifest.files.entries()) {
    const deb = join(work, 'debs', `${index}.deb`);
    await stageBlob(bundle, file, deb);
    const { name, version } = await debFields(deb, work);
    if (name === '' || version === '' || packages.some((p) => p.name === name)) {
      throw new PatchcastError('BUNDLE_MALFORMED', `"${file.path}" is not a distinct .deb package`);
    }
    packages.push({ name, version, deb, ...(await previousOf(context, name)) });
  }
  return { packages };
}

async function previousOf(context: InstallContext, name: string) {
  const version = await installedVersion(context.root, name);
  if (version === undefined) return {};
  const deb = cachedDeb(context.stateDir, name, version);
  if ((await lstat(deb).catch(() => undefined))?.isFile() !== true) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot roll back ${name}: no .deb of its installed version ${version} in ${cacheDir(context.stateDir)}`,
      { hint: `install ${name} ${version} once through Patchcast, so that it can be restored` },
    );
  }
  return { previous: { version, deb } };
}

async function rollBack(payload: DpkgPayload, context: InstallContext, work: string) {
  const restore = payload.packages.flatMap((p) =>
    p.previous === undefined ? [] : [p.previous.deb],
  );
  const purge = payload.packages.filter((p) => p.previous === undefined).map((p) => p.name);
  await dpkgPurge(target(context, work), purge);
  await dpkgInstall(target(context, work), restore);
}

/** Keeps each installed .deb, so that a later patch can roll back to it. */
async function commit(payload: DpkgPayload, context: InstallContext) {
  await mkdir(cacheDir(context.stateDir), { recursive: true, mode: 0o700 });
  for (const p of payload.packages) {
    const cached = cachedDeb(context.stateDir, p.name, p.version);
    await copyFile(p.deb, `${cached}.tmp`);
    await rename(`${cached}.tmp`, cached);
  }
}

async function requireDatabase(root: string): Promise<void> {
  try {
    if ((await lstat(join(adminDir(root), 'status'))).isFile()) return;
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw error;
  }
  throw new PatchcastError('INSTALL_FAILED', `no dpkg database at ${adminDir(root)}/status`, {
    hint: 'the dpkg installer needs a Debian-family managed root',
  });
}

function target(context: InstallContext, work: string) {
  return { root: context.root, logFile: join(work, 'dpkg.log') };
}

function cacheDir(stateDir: string): string {
  return join(stateDir, 'dpkg-cache');
}

/** Debian versions may hold ':' (epoch) and '~'; the file name escapes everything else. */
function cachedDeb(stateDir: string, name: string, version: string): string {
  const safe = (text: string) =>
    text.replace(/[^A-Za-z0-9.+~-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return join(cacheDir(stateDir), `${safe(name)}_${safe(version)}.deb`);
}

function isPayload(value: unknown): value is DpkgPayload {
  const packages = (value as { packages?: unknown } | null)?.packages;
  return Array.isArray(packages) && packages.every(isDebPackage);
}

function isDebPackage(value: unknown): boolean {
  const p = value as Partial<Record<keyof DebPackage, unknown>> | null;
  const previous = p?.previous as { version?: unknown; deb?: unknown } | undefined;
  return (
    typeof p?.name === 'string' &&
    typeof p.version === 'string' &&
    typeof p.deb === 'string' &&
    (previous === undefined ||
      (typeof previous.version === 'string' && typeof previous.deb === 'string'))
  );
}
