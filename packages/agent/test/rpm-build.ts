/**
 * Builds small real .rpm files with rpmbuild at test time (Debian's `rpm` package provides it),
 * and queries rpm the way tests use it as an oracle. Everything runs with a fixed HOME and
 * LC_ALL so the host's rpm macros do not leak in.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The database folder the rpm installer uses inside a root. */
export const TEST_DB_PATH = '/var/lib/rpm';

export interface RpmSpec {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  readonly epoch?: string | undefined;
  readonly arch?: string | undefined;
  /** Absolute path -> content. */
  readonly files: Readonly<Record<string, string>>;
  /** Folders the package owns (%dir), so that erasing it removes them. */
  readonly dirs?: readonly string[] | undefined;
}

export function rpmEnv(home: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: home, LC_ALL: 'C' };
}

/** Why rpm tests cannot run here (rpm or rpmbuild missing), or undefined. */
export async function rpmToolsMissing(): Promise<string | undefined> {
  for (const tool of ['rpm', 'rpmbuild']) {
    const ok = await run(tool, ['--version']).then(
      () => true,
      () => false,
    );
    if (!ok) return `${tool} is not installed (Debian package rpm): the rpm tests did not run`;
  }
  return undefined;
}

function specOf(p: RpmSpec): string {
  const paths = Object.keys(p.files);
  const install = paths.flatMap((path, i) => [
    `mkdir -p %{buildroot}$(dirname ${path})`,
    `cp %{_sourcedir}/f${i} %{buildroot}${path}`,
  ]);
  return [
    `Name: ${p.name}`,
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    ...(p.epoch === undefined ? [] : [`Epoch: ${p.epoch}`]),
    'Summary: Patchcast test package',
    'License: MIT',
    `BuildArch: ${p.arch ?? 'noarch'}`,
    'AutoReqProv: no',
    '%global debug_package %{nil}',
    '%global _build_id_links none',
    '%description',
    'A package built by the Patchcast tests.',
    '%install',
    ...install,
    '%files',
    ...(p.dirs ?? []).map((dir) => `%dir ${dir}`),
    ...paths,
    '',
  ].join('\n');
}

/** Builds the package in `work` and returns the path of its .rpm. */
export async function buildRpm(work: string, p: RpmSpec): Promise<string> {
  const top = join(work, `rpmbuild-${p.name}-${p.epoch ?? ''}${p.version}-${p.release}`);
  await mkdir(join(top, 'SOURCES'), { recursive: true });
  await Promise.all(
    Object.values(p.files).map((content, i) => writeFile(join(top, 'SOURCES', `f${i}`), content)),
  );
  const spec = join(top, `${p.name}.spec`);
  await writeFile(spec, specOf(p));
  await run('rpmbuild', ['--define', `_topdir ${top}`, '--quiet', '-bb', spec], {
    env: rpmEnv(work),
  });
  const dir = join(top, 'RPMS', p.arch ?? 'noarch');
  const [file] = (await readdir(dir)).filter((name) => name.endsWith('.rpm'));
  if (file === undefined) throw new Error(`rpmbuild wrote no .rpm in ${dir}`);
  return join(dir, file);
}

/** `rpm --root ROOT --dbpath /var/lib/rpm ARGS`. */
export async function rpmIn(root: string, args: readonly string[]): Promise<string> {
  const result = await run('rpm', ['--root', root, '--dbpath', TEST_DB_PATH, ...args], {
    env: rpmEnv(root),
  });
  return result.stdout;
}

/** A fresh RPM root: `rpm --root ROOT --dbpath /var/lib/rpm --initdb`. */
export async function initRpmRoot(root: string): Promise<void> {
  await rpmIn(root, ['--initdb']);
}

/** rpm's own ordering of two EVRs (rpm.vercmp): -1, 0 or 1. */
export async function rpmVercmp(a: string, b: string): Promise<number> {
  const lua = `%{lua: print(rpm.vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}))}`;
  const { stdout } = await run('rpm', ['--eval', lua], { env: rpmEnv('/') });
  return Number(stdout.trim());
}
