/**
 * Runs pip inside a virtual environment (`<venv>/bin/python -m pip`), never reaching an index:
 * every install names exact versions and finds them only in a folder of wheels. Operator pip
 * configuration is ignored (PIP_CONFIG_FILE=/dev/null) so that no extra index sneaks in.
 */
import { devNull } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { runToolOk } from '../tool.js';

export interface WheelIdentity {
  /** The distribution name, normalized as PEP 503 says (lowercase, runs of -_. as one -). */
  readonly name: string;
  readonly version: string;
}

/** `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, as the wheel spec names files. */
const WHEEL_FILE =
  /^([A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)-([A-Za-z0-9_.!+]+)(?:-\d[A-Za-z0-9_.]*)?-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\.whl$/;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The name and version a wheel's file name declares, or undefined for anything else. */
export function wheelIdentity(fileName: string): WheelIdentity | undefined {
  const m = WHEEL_FILE.exec(fileName);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  return { name: normalizeName(m[1]), version: m[2].toLowerCase() };
}

export function pythonOf(venv: string): string {
  return join(venv, 'bin', 'python');
}

async function pip(venv: string, work: string, args: readonly string[]): Promise<string> {
  return runToolOk(
    [pythonOf(venv), '-m', 'pip', ...args, '--disable-pip-version-check', '--no-input'],
    {
      cwd: venv,
      env: { HOME: work, PIP_CONFIG_FILE: devNull, PYTHONNOUSERSITE: '1' },
    },
  );
}

/** What pip reports installed in the environment, by normalized name. */
export async function installedIn(venv: string, work: string): Promise<Map<string, string>> {
  const out = await pip(venv, work, ['list', '--format=json']);
  let listed: unknown;
  try {
    listed = JSON.parse(out.slice(out.indexOf('[')));
  } catch {
    listed = undefined;
  }
  if (!Array.isArray(listed)) {
    throw new PatchcastError('INSTALL_FAILED', `pip list in ${venv} did not answer a list`);
  }
  const installed = new Map<string, string>();
  for (const item of listed as { name?: unknown; version?: unknown }[]) {
    if (typeof item.name === 'string' && typeof item.version === 'string') {
      installed.set(normalizeName(item.name), item.version.toLowerCase());
    }
  }
  return installed;
}

/** Installs exactly `name==version` of each package from the wheels in `wheels`, nothing else. */
export async function pipInstall(
  venv: string,
  work: string,
  wheels: string,
  packages: readonly WheelIdentity[],
  options: { readonly force: boolean },
): Promise<void> {
  if (packages.length === 0) return;
  const pins = packages.map((p) => `${p.name}==${p.version}`);
  const force = options.force ? ['--force-reinstall'] : [];
  await pip(venv, work, [
    'install',
    '--no-index',
    '--find-links',
    wheels,
    '--no-deps',
    '--no-cache-dir',
    ...force,
    ...pins,
  ]);
}

export async function pipUninstall(
  venv: string,
  work: string,
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  await pip(venv, work, ['uninstall', '--yes', ...names]);
}
