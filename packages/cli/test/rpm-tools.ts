/** rpm and rpmbuild for the CLI's end-to-end tests: real .rpm files and RPM roots. */
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The rpm database folder inside a root, as the rpm installer uses it. */
export const RPM_DB = '/var/lib/rpm';

/** Why rpm tests cannot run here, or undefined. */
export async function rpmMissing(): Promise<string | undefined> {
  for (const tool of ['rpm', 'rpmbuild']) {
    const ok = await run(tool, ['--version']).then(
      () => true,
      () => false,
    );
    if (!ok) return `${tool} is not installed (Debian package rpm): this RPM test did not run`;
  }
  return undefined;
}

function env(home: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: home, LC_ALL: 'C' };
}

/** Builds a noarch package owning /opt/<name>/ with a VERSION file; returns the .rpm path. */
export async function buildRpm(
  work: string,
  p: { name: string; epoch: string; version: string; release: string },
): Promise<string> {
  const top = join(work, `top-${p.name}-${p.version}-${p.release}`);
  await mkdir(top, { recursive: true });
  const spec = join(top, `${p.name}.spec`);
  await writeFile(
    spec,
    [
      `Name: ${p.name}`,
      `Epoch: ${p.epoch}`,
      `Version: ${p.version}`,
      `Release: ${p.release}`,
      'Summary: test',
      'License: MIT',
      'BuildArch: noarch',
      'AutoReqProv: no',
      '%description',
      'test',
      '%install',
      `mkdir -p %{buildroot}/opt/${p.name} && echo ${p.version} > %{buildroot}/opt/${p.name}/VERSION`,
      '%files',
      `%dir /opt/${p.name}`,
      `/opt/${p.name}/VERSION`,
      '',
    ].join('\n'),
  );
  await run('rpmbuild', ['--define', `_topdir ${top}`, '--quiet', '-bb', spec], { env: env(work) });
  const dir = join(top, 'RPMS', 'noarch');
  return join(dir, (await readdir(dir))[0] ?? '');
}

/** `rpm --root ROOT --dbpath /var/lib/rpm ARGS`, stdout. */
export async function rpmIn(root: string, args: readonly string[]): Promise<string> {
  return (await run('rpm', ['--root', root, '--dbpath', RPM_DB, ...args], { env: env(root) }))
    .stdout;
}
