/**
 * The pip installer: pins the wheels of a bundle at their exact versions in a virtual environment
 * (`installer.venv` under the root) with `pip install --no-index --find-links <wheels> --no-deps
 * name==version`; nothing is fetched from an index. Rollback puts back exactly the previous set:
 * packages that were absent are uninstalled, each previous version is reinstalled from its wheel,
 * copied into the transaction's folder before any change (every wheel this installer installs is
 * kept in `<stateDir>/pip-cache/`). A package installed in a version with no cached wheel is
 * refused up front: pip cannot rebuild a wheel from an installed distribution
 * (docs/protocol/bundle.md, section 6).
 */
import { copyFile, lstat, mkdir, readdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { ParsedBundle } from '@patchcast/protocol';
import type { InstallContext } from '../installer.js';
import { managedFolder } from '../managed-folder.js';
import { packageInstaller } from '../package-transaction.js';
import { stageBlob } from '../stage-blob.js';
import { installedIn, pipInstall, pipUninstall, pythonOf, wheelIdentity } from './pip-tool.js';
import type { WheelIdentity } from './pip-tool.js';

interface PipPackageStep extends WheelIdentity {
  /** The wheel's file name in the transaction's `wheels/` folder. */
  readonly wheel: string;
  /** The version installed before; its wheel is in the transaction's `backup/` folder. */
  readonly previous?: string;
}

interface PipPayload {
  readonly venv: string;
  readonly packages: readonly PipPackageStep[];
}

export const pipInstaller = packageInstaller<PipPayload>({
  kind: 'pip',
  prepare,
  apply: async (payload, context, work) =>
    pipInstall(await venvDir(context, payload.venv), work, join(work, 'wheels'), payload.packages, {
      force: false,
    }),
  rollBack,
  commit,
  isPayload,
});

async function prepare(bundle: ParsedBundle, context: InstallContext, work: string) {
  const installer = bundle.manifest.installer;
  if (installer?.kind !== 'pip') throw new Error('not a pip bundle');
  const venv = await venvDir(context, installer.venv);
  await mkdir(join(work, 'wheels'), { mode: 0o700 });
  await mkdir(join(work, 'backup'), { mode: 0o700 });
  const installed = await installedIn(venv, work);
  const packages: PipPackageStep[] = [];
  for (const file of bundle.manifest.files) {
    const wheel = basename(file.path);
    const id = wheelIdentity(wheel);
    if (id === undefined || packages.some((p) => p.name === id.name)) {
      throw new PatchcastError('BUNDLE_MALFORMED', `"${file.path}" is not a distinct wheel`, {
        hint: 'name wheels as the wheel spec does: name-version-python-abi-platform.whl, one per package',
      });
    }
    await stageBlob(bundle, file, join(work, 'wheels', wheel));
    const previous = installed.get(id.name);
    if (previous !== undefined) await keepPrevious(context, work, { ...id, wheel }, previous);
    packages.push({ ...id, wheel, ...(previous === undefined ? {} : { previous }) });
  }
  return { venv: installer.venv, packages };
}

/** Copies the wheel of the installed version into `backup/`, or refuses: no way back. */
async function keepPrevious(
  context: InstallContext,
  work: string,
  step: WheelIdentity & { readonly wheel: string },
  previous: string,
): Promise<void> {
  const backup = join(work, 'backup');
  if (previous === step.version) {
    await copyFile(join(work, 'wheels', step.wheel), join(backup, step.wheel));
    return;
  }
  const cached = await cachedWheels(context.stateDir, { name: step.name, version: previous });
  if (cached.length === 0) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot roll back ${step.name}: no wheel of its installed version ${previous} in ${cacheDir(context.stateDir)}`,
      {
        hint: `install ${step.name}==${previous} once through Patchcast, so that it can be restored`,
      },
    );
  }
  for (const name of cached)
    await copyFile(join(cacheDir(context.stateDir), name), join(backup, name));
}

async function rollBack(payload: PipPayload, context: InstallContext, work: string) {
  const venv = await venvDir(context, payload.venv);
  const absent = payload.packages.filter((p) => p.previous === undefined);
  await pipUninstall(
    venv,
    work,
    absent.map((p) => p.name),
  );
  const restore = payload.packages.flatMap((p) =>
    p.previous === undefined ? [] : [{ name: p.name, version: p.previous }],
  );
  await pipInstall(venv, work, join(work, 'backup'), restore, { force: true });
}

/** Keeps each installed wheel, so that a later patch can roll back to it. */
async function commit(payload: PipPayload, context: InstallContext, work: string) {
  await mkdir(cacheDir(context.stateDir), { recursive: true, mode: 0o700 });
  for (const p of payload.packages) {
    const cached = join(cacheDir(context.stateDir), p.wheel);
    await copyFile(join(work, 'wheels', p.wheel), `${cached}.tmp`);
    await rename(`${cached}.tmp`, cached);
  }
}

/** The environment: a real folder under the root with pyvenv.cfg and bin/python. */
async function venvDir(context: InstallContext, path: string): Promise<string> {
  const missing = {
    message: `virtual environment "${path}" does not exist`,
    hint: `installer.venv names a virtual environment under the managed root (python3 -m venv <root>/${path})`,
  };
  const venv = await managedFolder(context.root, path, missing);
  const cfg = await lstat(join(venv, 'pyvenv.cfg')).catch(() => undefined);
  const python = await lstat(pythonOf(venv)).catch(() => undefined);
  if (cfg?.isFile() !== true || python === undefined) {
    throw new PatchcastError('INSTALL_FAILED', `"${path}" is not a virtual environment`, {
      hint: missing.hint,
    });
  }
  return venv;
}

function cacheDir(stateDir: string): string {
  return join(stateDir, 'pip-cache');
}

async function cachedWheels(stateDir: string, id: WheelIdentity): Promise<string[]> {
  const names = await readdir(cacheDir(stateDir)).catch(() => [] as string[]);
  return names.filter((name) => {
    const cached = wheelIdentity(name);
    return cached?.name === id.name && cached.version === id.version;
  });
}

function isPayload(value: unknown): value is PipPayload {
  const p = value as { venv?: unknown; packages?: unknown } | null;
  return typeof p?.venv === 'string' && Array.isArray(p.packages) && p.packages.every(isStep);
}

function isStep(value: unknown): boolean {
  const p = value as Partial<Record<keyof PipPackageStep, unknown>> | null;
  return (
    typeof p?.name === 'string' &&
    typeof p.version === 'string' &&
    typeof p.wheel === 'string' &&
    (p.previous === undefined || typeof p.previous === 'string')
  );
}
