/**
 * rpm on a managed root: `rpm --root <root> --dbpath /var/lib/rpm`. The database path is fixed
 * (the RHEL-family location; a symbolic link to /usr/lib/sysimage/rpm on newer systems) so the
 * agent never depends on the rpm macros or $HOME of the host it runs on.
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { runTool, runToolOk } from '../tool.js';

/** The database folder inside the root. */
export const RPM_DB_PATH = '/var/lib/rpm';

/** What identifies one installed package: name, EVR and arch. */
export interface RpmIdentity {
  readonly name: string;
  /** [epoch:]version-release */
  readonly evr: string;
  readonly arch: string;
}

const QUERY_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n';

export function dbDir(root: string): string {
  return join(root, RPM_DB_PATH);
}

function rpmArgs(root: string): string[] {
  return ['rpm', '--root', root, '--dbpath', RPM_DB_PATH];
}

function identities(output: string): RpmIdentity[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', evr = '', arch = ''] = line.split('\t');
      return { name, evr, arch };
    });
}

/** NEVRA, as rpm -q and rpm -e accept it: name-[epoch:]version-release.arch. */
export function nevra(p: RpmIdentity): string {
  return `${p.name}-${p.evr}.${p.arch}`;
}

/** The package in an .rpm file (rpm -qp). */
export async function rpmFileIdentity(file: string, cwd: string): Promise<RpmIdentity> {
  const output = await runToolOk(['rpm', '-qp', '--nosignature', '--qf', QUERY_FORMAT, file], {
    cwd,
  });
  const [found] = identities(output);
  return found ?? { name: '', evr: '', arch: '' };
}

/** The installed versions of name.arch (none, one, or several for install-only packages). */
export async function installedOf(
  root: string,
  name: string,
  arch: string,
): Promise<RpmIdentity[]> {
  const argv = [...rpmArgs(root), '-q', '--qf', QUERY_FORMAT, `${name}.${arch}`];
  const result = await runTool(argv, { cwd: root });
  if (result.exitCode !== 0) {
    if (/is not installed/.test(result.output)) return [];
    throw new PatchcastError(
      'INSTALL_FAILED',
      `rpm -q ${name}.${arch} failed: ${result.output.trim()}`,
    );
  }
  return identities(result.output).filter((p) => p.name === name && p.arch === arch);
}

/** Installs or upgrades to exactly these files (`rpm -U`); `restore` allows downgrades and reinstalls. */
export async function rpmUpgrade(
  root: string,
  files: readonly string[],
  options: { readonly restore: boolean },
): Promise<void> {
  if (files.length === 0) return;
  const restore = options.restore ? ['--oldpackage', '--replacepkgs'] : [];
  await runToolOk([...rpmArgs(root), '-U', ...restore, ...files], { cwd: root });
}

/** Erases the installed ones of these packages (`rpm -e`); absent ones are skipped. */
export async function rpmErase(root: string, packages: readonly RpmIdentity[]): Promise<void> {
  const present: string[] = [];
  for (const p of packages) {
    const installed = await installedOf(root, p.name, p.arch);
    if (installed.some((i) => i.evr === p.evr)) present.push(nevra(p));
  }
  if (present.length === 0) return;
  await runToolOk([...rpmArgs(root), '-e', ...present], { cwd: root });
}
