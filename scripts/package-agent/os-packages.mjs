/**
 * Wraps the agent executable in a .deb (dpkg-deb) and an .rpm (rpmbuild): the executable in
 * /usr/bin, a systemd unit, the config file /etc/patchcast/agent.env (kept on upgrades), and the
 * state folder /var/lib/patchcast-agent (mode 0700).
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { DEB_SCRIPTS, RPM_SCRIPTS } from './maintainer-scripts.mjs';

const run = promisify(execFile);
const HERE = dirname(new URL(import.meta.url).pathname);

export const LAYOUT = {
  exe: '/usr/bin/patchcast-agent',
  unit: '/usr/lib/systemd/system/patchcast-agent.service',
  config: '/etc/patchcast/agent.env',
  state: '/var/lib/patchcast-agent',
};

const DESCRIPTION = 'Patchcast endpoint agent: verified, transactional patch installs';

/** The installed tree under `root` (shared by both formats). */
async function layTree(root, exe) {
  for (const path of [LAYOUT.exe, LAYOUT.unit, LAYOUT.config])
    await mkdir(join(root, dirname(path)), { recursive: true });
  await mkdir(join(root, LAYOUT.state), { recursive: true, mode: 0o700 });
  await chmod(join(root, LAYOUT.state), 0o700);
  await copyFile(exe, join(root, LAYOUT.exe));
  await chmod(join(root, LAYOUT.exe), 0o755);
  await copyFile(join(HERE, 'patchcast-agent.service'), join(root, LAYOUT.unit));
  await copyFile(join(HERE, 'agent.env'), join(root, LAYOUT.config));
  await chmod(join(root, LAYOUT.config), 0o600);
}

const DEB_ARCH = { x64: 'amd64', arm64: 'arm64' };
const RPM_ARCH = { x64: 'x86_64', arm64: 'aarch64' };

export async function buildDeb({ work, exe, version, out }) {
  const root = join(work, 'deb-root');
  await rm(root, { recursive: true, force: true });
  await layTree(root, exe);
  await mkdir(join(root, 'DEBIAN'));
  const arch = DEB_ARCH[process.arch] ?? process.arch;
  await writeFile(
    join(root, 'DEBIAN', 'control'),
    [
      'Package: patchcast-agent',
      `Version: ${version}`,
      `Architecture: ${arch}`,
      'Maintainer: Patchcast <patchcast@localhost>',
      'Section: admin',
      'Priority: optional',
      `Description: ${DESCRIPTION}`,
      ' A single executable (Node is built in): no Node or npm needed on the host.',
      '',
    ].join('\n'),
  );
  await writeFile(join(root, 'DEBIAN', 'conffiles'), `${LAYOUT.config}\n`);
  for (const [name, text] of Object.entries(DEB_SCRIPTS))
    await writeFile(join(root, 'DEBIAN', name), text, { mode: 0o755 });
  const file = join(out, `patchcast-agent_${version}_${arch}.deb`);
  await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', root, file]);
  return file;
}

export async function buildRpm({ work, exe, version, out }) {
  const top = join(work, 'rpmbuild');
  const tree = join(work, 'rpm-tree');
  await rm(top, { recursive: true, force: true });
  await rm(tree, { recursive: true, force: true });
  await layTree(tree, exe);
  await mkdir(join(top, 'SPECS'), { recursive: true });
  const arch = RPM_ARCH[process.arch] ?? process.arch;
  const spec = join(top, 'SPECS', 'patchcast-agent.spec');
  await writeFile(spec, rpmSpec({ version, arch, tree }));
  const env = { ...process.env, HOME: work, LC_ALL: 'C' };
  const defines = [`_topdir ${top}`, '_binary_payload w1.gzdio', `_build_id_links none`];
  const args = defines.flatMap((d) => ['--define', d]);
  await run('rpmbuild', [...args, '--target', arch, '--quiet', '-bb', spec], { env });
  const dir = join(top, 'RPMS', arch);
  const [name] = (await readdir(dir)).filter((n) => n.endsWith('.rpm'));
  if (name === undefined) throw new Error(`rpmbuild wrote no .rpm in ${dir}`);
  const file = join(out, name);
  await copyFile(join(dir, name), file);
  return file;
}

function rpmSpec({ version, arch, tree }) {
  const paths = [LAYOUT.exe, LAYOUT.unit, LAYOUT.config];
  return [
    'Name: patchcast-agent',
    `Version: ${version.replace(/-/g, '~')}`,
    'Release: 1',
    `Summary: ${DESCRIPTION}`,
    'License: Apache-2.0',
    `BuildArch: ${arch}`,
    'AutoReqProv: no',
    '%global debug_package %{nil}',
    // the SEA blob lives in the executable: stripping it would cut the agent out
    '%global __os_install_post %{nil}',
    '%global __strip /bin/true',
    '%description',
    'A single executable (Node is built in): no Node or npm needed on the host.',
    '%install',
    ...paths.map(
      (p) =>
        `install -D -m 0${p === LAYOUT.exe ? '755' : p === LAYOUT.config ? '600' : '644'} ${tree}${p} %{buildroot}${p}`,
    ),
    `install -d -m 0700 %{buildroot}${LAYOUT.state}`,
    '%files',
    LAYOUT.exe,
    LAYOUT.unit,
    `%config(noreplace) ${LAYOUT.config}`,
    `%dir %attr(0700,root,root) ${LAYOUT.state}`,
    ...RPM_SCRIPTS,
    '',
  ].join('\n');
}
