/** dpkg, dpkg-deb and dpkg-query on a managed root (`--root`, its own admin folder and log). */
import { join } from 'node:path';
import { runTool, runToolOk } from '../tool.js';

export interface DebFields {
  readonly name: string;
  readonly version: string;
}

export interface DpkgTarget {
  readonly root: string;
  /** dpkg's own log of this installer's runs. */
  readonly logFile: string;
}

export function adminDir(root: string): string {
  return join(root, 'var', 'lib', 'dpkg');
}

function dpkgArgs(target: DpkgTarget): string[] {
  return [
    'dpkg',
    `--root=${target.root}`,
    `--admindir=${adminDir(target.root)}`,
    `--log=${target.logFile}`,
    '--force-not-root',
    '--force-script-chrootless',
  ];
}

export async function debFields(file: string, cwd: string): Promise<DebFields> {
  const output = await runToolOk(['dpkg-deb', '--field', file, 'Package', 'Version'], { cwd });
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) fields.set(match[1], match[2]);
  }
  return { name: fields.get('Package') ?? '', version: fields.get('Version') ?? '' };
}

/** The installed version of a package, or undefined when it is not installed. */
export async function installedVersion(root: string, name: string): Promise<string | undefined> {
  const format = '${db:Status-Status}\\t${Version}\\n';
  const argv = ['dpkg-query', `--admindir=${adminDir(root)}`, '-W', `-f=${format}`, name];
  const result = await runTool(argv, { cwd: root });
  const [status, version] = result.output.trim().split('\t');
  if (result.exitCode !== 0 || status !== 'installed' || version === undefined) return undefined;
  return version;
}

export async function dpkgInstall(target: DpkgTarget, debs: readonly string[]): Promise<void> {
  if (debs.length === 0) return;
  await runToolOk([...dpkgArgs(target), '--install', ...debs], { cwd: target.root });
}

export async function dpkgPurge(target: DpkgTarget, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await runToolOk([...dpkgArgs(target), '--purge', ...names], { cwd: target.root });
}
