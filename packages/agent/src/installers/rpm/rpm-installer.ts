/**
 * The rpm installer: installs the .rpm files of a bundle with `rpm -U` into a managed root, and
 * rolls back to what was installed before: each previous version is reinstalled from its .rpm,
 * copied into the transaction's folder before any change (every .rpm this installer installs is
 * kept in `<stateDir>/rpm-cache/`); packages that were absent are erased. A package installed
 * in a version with no cached .rpm, or in several versions at once, is refused up front.
 */
import { copyFile, lstat, mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { ParsedBundle } from '@patchcast/protocol';
import { errnoOf } from '../../install/fs-util.js';
import type { InstallContext } from '../installer.js';
import { packageInstaller } from '../package-transaction.js';
import { stageBlob } from '../stage-blob.js';
import { dbDir, installedOf, nevra, rpmErase, rpmFileIdentity, rpmUpgrade } from './rpm-tool.js';
import type { RpmIdentity } from './rpm-tool.js';

interface RpmPackageStep extends RpmIdentity {
  readonly rpm: string;
  /** The version installed before, and its .rpm in the transaction's backup folder. */
  readonly previous?: { readonly evr: string; readonly rpm: string };
}

interface RpmPayload {
  readonly packages: readonly RpmPackageStep[];
}

export const rpmInstaller = packageInstaller<RpmPayload>({
  kind: 'rpm',
  prepare,
  apply: (payload, context) =>
    rpmUpgrade(
      context.root,
      payload.packages.map((p) => p.rpm),
      { restore: false },
    ),
  rollBack,
  commit,
  isPayload,
});

async function prepare(bundle: ParsedBundle, context: InstallContext, work: string) {
  await requireDatabase(context.root);
  await mkdir(join(work, 'rpms'), { mode: 0o700 });
  await mkdir(join(work, 'backup'), { mode: 0o700 });
  const packages: RpmPackageStep[] = [];
  for (const [index, file] of bundle.manifest.files.entries()) {
    const rpm = join(work, 'rpms', `${index}.rpm`);
    await stageBlob(bundle, file, rpm);
    const id = await rpmFileIdentity(rpm, work);
    const twice = packages.some((p) => p.name === id.name && p.arch === id.arch);
    if (id.name === '' || id.evr === '' || id.arch === '' || twice) {
      throw new PatchcastError('BUNDLE_MALFORMED', `"${file.path}" is not a distinct .rpm package`);
    }
    packages.push({ ...id, rpm, ...(await previousOf(context, id, join(work, 'backup'))) });
  }
  return { packages };
}

async function previousOf(context: InstallContext, id: RpmIdentity, backup: string) {
  const installed = await installedOf(context.root, id.name, id.arch);
  if (installed.length === 0) return {};
  const [only] = installed;
  if (installed.length > 1 || only === undefined) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot roll back ${id.name}.${id.arch}: it is installed in ${installed.length} versions (${installed.map(nevra).join(', ')})`,
      { hint: 'the rpm installer replaces a single installed version; erase the others first' },
    );
  }
  const cached = cachedRpm(context.stateDir, only);
  if ((await lstat(cached).catch(() => undefined))?.isFile() !== true) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot roll back ${id.name}: no .rpm of its installed version ${only.evr} in ${cacheDir(context.stateDir)}`,
      { hint: `install ${nevra(only)} once through Patchcast, so that it can be restored` },
    );
  }
  const rpm = join(backup, `${safe(nevra(only))}.rpm`);
  await copyFile(cached, rpm);
  return { previous: { evr: only.evr, rpm } };
}

async function rollBack(payload: RpmPayload, context: InstallContext) {
  const absent = payload.packages.filter((p) => p.previous === undefined);
  await rpmErase(context.root, absent);
  const restore = payload.packages.flatMap((p) =>
    p.previous === undefined ? [] : [p.previous.rpm],
  );
  await rpmUpgrade(context.root, restore, { restore: true });
}

/** Keeps each installed .rpm, so that a later patch can roll back to it. */
async function commit(payload: RpmPayload, context: InstallContext) {
  await mkdir(cacheDir(context.stateDir), { recursive: true, mode: 0o700 });
  for (const p of payload.packages) {
    const cached = cachedRpm(context.stateDir, p);
    await copyFile(p.rpm, `${cached}.tmp`);
    await rename(`${cached}.tmp`, cached);
  }
}

async function requireDatabase(root: string): Promise<void> {
  try {
    if ((await stat(dbDir(root))).isDirectory()) return;
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw error;
  }
  throw new PatchcastError('INSTALL_FAILED', `no rpm database at ${dbDir(root)}`, {
    hint: 'the rpm installer needs an RPM-based managed root (create one with rpm --root DIR --dbpath /var/lib/rpm --initdb)',
  });
}

function cacheDir(stateDir: string): string {
  return join(stateDir, 'rpm-cache');
}

/** EVRs may hold ':', '~' and '^'; the file name escapes everything but [A-Za-z0-9._+-]. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._+-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

function cachedRpm(stateDir: string, p: RpmIdentity): string {
  return join(cacheDir(stateDir), `${safe(nevra(p))}.rpm`);
}

function isPayload(value: unknown): value is RpmPayload {
  const packages = (value as { packages?: unknown } | null)?.packages;
  return Array.isArray(packages) && packages.every(isStep);
}

function isStep(value: unknown): boolean {
  const p = value as Partial<Record<keyof RpmPackageStep, unknown>> | null;
  const previous = p?.previous as { evr?: unknown; rpm?: unknown } | undefined;
  return (
    typeof p?.name === 'string' &&
    typeof p.evr === 'string' &&
    typeof p.arch === 'string' &&
    typeof p.rpm === 'string' &&
    (previous === undefined ||
      (typeof previous.evr === 'string' && typeof previous.rpm === 'string'))
  );
}
