/**
 * One fixture per installer for the conformance suite: how to prepare a throwaway system, build
 * version 1 and 2 of a package as a bundle, and read what is installed with the package
 * manager's own tools (the oracle), never with the installer under test.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compareVersions, utf8 } from '@patchcast/core';
import { buildBundle } from '@patchcast/protocol';
import type { BundleCommand, InstallerKind } from '@patchcast/protocol';
import { snapshot } from '../install/helpers.js';
import { pipFixture, venvMissing } from './pip-fixture.js';
import { buildRpm, initRpmRoot, rpmIn, rpmToolsMissing, rpmVercmp } from '../rpm-build.js';

const run = promisify(execFile);

export type Release = 1 | 2;

export interface Fixture {
  readonly kind: InstallerKind;
  /** Why the suite cannot run here (a tool is missing), or undefined. */
  readonly skip: string | undefined;
  /** The crash point after the installer changed the system and before its health check. */
  readonly crashPoint: string;
  /** A crash point inside the rollback after a failed health check. */
  readonly rollbackCrashPoint: string;
  setup(root: string): Promise<void>;
  bundle(work: string, release: Release, health?: BundleCommand): Promise<Uint8Array>;
  version(release: Release): string;
  installedVersion(root: string): Promise<string | undefined>;
  /** The package manager's own ordering: is `a` newer than `b`? */
  isNewer(a: string, b: string): Promise<boolean>;
  /** Everything the installer may change, to compare before and after a rollback. */
  state(root: string): Promise<readonly string[]>;
}

async function has(tool: string, args: readonly string[]): Promise<boolean> {
  return run(tool, [...args]).then(
    () => true,
    () => false,
  );
}

const filesFixture: Fixture = {
  kind: 'files',
  skip: undefined,
  crashPoint: 'applied-all',
  rollbackCrashPoint: 'undone-1',
  setup: async (root) => writeFile(join(root, 'unrelated.txt'), 'kept\n'),
  bundle: (_work, release, health) =>
    Promise.resolve(
      buildBundle({
        name: 'demo-files',
        version: `${release}.0.0`,
        files: [
          { path: 'opt/demo/VERSION', mode: 0o644, content: utf8(`${release}.0.0\n`) },
          { path: `opt/demo/lib-${release}.so`, mode: 0o755, content: utf8(`lib ${release}\n`) },
        ],
        symlinks: [{ path: 'opt/demo/lib.so', target: `lib-${release}.so` }],
        health,
      }),
    ),
  version: (release) => `${release}.0.0`,
  installedVersion: async (root) =>
    readFile(join(root, 'opt/demo/VERSION'), 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    ),
  isNewer: (a, b) => Promise.resolve(compareVersions('SemVer', a, b) > 0),
  state: (root) => snapshot(root),
};

const dpkgFixture: Fixture = {
  kind: 'dpkg',
  skip: undefined,
  crashPoint: 'dpkg-applied',
  rollbackCrashPoint: 'dpkg-rolling-back',
  async setup(root) {
    const admin = join(root, 'var/lib/dpkg');
    await mkdir(join(admin, 'updates'), { recursive: true });
    await mkdir(join(admin, 'info'), { recursive: true });
    await writeFile(join(admin, 'status'), '');
  },
  async bundle(work, release, health) {
    const version = this.version(release);
    const dir = join(work, `deb-${release}`);
    await mkdir(join(dir, 'DEBIAN'), { recursive: true });
    await mkdir(join(dir, 'usr/share/pcdemo'), { recursive: true });
    const control = `Package: pcdemo\nVersion: ${version}\nArchitecture: all\nMaintainer: Patchcast tests <tests@example.invalid>\nDescription: conformance fixture\n`;
    await writeFile(join(dir, 'DEBIAN/control'), control);
    await writeFile(join(dir, 'usr/share/pcdemo/VERSION'), `${version}\n`);
    if (release === 2) await writeFile(join(dir, 'usr/share/pcdemo/new-in-2'), 'new\n');
    const deb = join(work, `pcdemo_${version}_all.deb`);
    await run('dpkg-deb', ['--build', '--root-owner-group', dir, deb]);
    const content = new Uint8Array(await readFile(deb));
    return buildBundle({
      name: 'pcdemo-deb',
      version: `${release}`,
      files: [{ path: `debs/pcdemo_${version}_all.deb`, mode: 0o644, content }],
      installer: { kind: 'dpkg' },
      health,
    });
  },
  version: (release) => `${release}.0-1`,
  async installedVersion(root) {
    const admin = `--admindir=${join(root, 'var/lib/dpkg')}`;
    const format = '-f=${db:Status-Status} ${Version}';
    const result = await run('dpkg-query', [admin, '-W', format, 'pcdemo']).catch(() => undefined);
    const [status, version] = (result?.stdout ?? '').split(' ');
    return status === 'installed' ? version : undefined;
  },
  async isNewer(a, b) {
    const oracle = await has('dpkg', ['--compare-versions', a, 'gt', b]);
    if (oracle !== compareVersions('Debian', a, b) > 0) throw new Error('dpkg and core disagree');
    return oracle;
  },
  async state(root) {
    const admin = `--admindir=${join(root, 'var/lib/dpkg')}`;
    const listed = await run('dpkg-query', [
      admin,
      '-W',
      '-f=${Package} ${Version} ${db:Status-Abbrev}\n',
    ]);
    const usr = await snapshot(join(root, 'usr')).catch(() => []);
    return [...listed.stdout.trim().split('\n'), ...usr];
  },
};

/** The rpm fixture: version 2 adds a file and bumps the epoch-less EVR; rpm is the oracle. */
const rpmFixture: Fixture = {
  kind: 'rpm',
  skip: undefined,
  crashPoint: 'rpm-applied',
  rollbackCrashPoint: 'rpm-rolling-back',
  async setup(root) {
    // What the filesystem package provides on a real RPM-based root.
    await mkdir(join(root, 'usr/share'), { recursive: true });
    await initRpmRoot(root);
  },
  async bundle(work, release, health) {
    const version = this.version(release);
    const files: Record<string, string> = { '/usr/share/pcdemo/VERSION': `${version}\n` };
    if (release === 2) files['/usr/share/pcdemo/new-in-2'] = 'new\n';
    const [v, r] = version.split('-');
    const rpm = await buildRpm(join(work, `rpm-${release}`), {
      name: 'pcdemo',
      version: v ?? '',
      release: r ?? '',
      files,
      dirs: ['/usr/share/pcdemo'],
    });
    const content = new Uint8Array(await readFile(rpm));
    return buildBundle({
      name: 'pcdemo-rpm',
      version: `${release}`,
      files: [{ path: `rpms/pcdemo-${version}.noarch.rpm`, mode: 0o644, content }],
      installer: { kind: 'rpm' },
      health,
    });
  },
  version: (release) => (release === 1 ? '1.0~rc1-1' : '1.0-1'),
  async installedVersion(root) {
    const out = await rpmIn(root, ['-q', '--qf', '%{VERSION}-%{RELEASE}\n', 'pcdemo']).catch(
      () => undefined,
    );
    const lines = out?.trim().split('\n') ?? [];
    if (lines.length > 1) throw new Error(`pcdemo is installed ${lines.length} times`);
    return lines[0] === '' ? undefined : lines[0];
  },
  async isNewer(a, b) {
    const oracle = (await rpmVercmp(a, b)) > 0;
    if (oracle !== compareVersions('Red Hat', a, b) > 0) throw new Error('rpm and core disagree');
    return oracle;
  },
  async state(root) {
    const listed = await rpmIn(root, ['-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n']);
    const usr = await snapshot(join(root, 'usr')).catch(() => []);
    return [...listed.trim().split('\n').sort(), ...usr];
  },
};

const npmFixture: Fixture = {
  kind: 'npm',
  skip: undefined,
  crashPoint: 'npm-applied',
  rollbackCrashPoint: 'npm-rolling-back',
  async setup(root) {
    await mkdir(join(root, 'srv/app'), { recursive: true });
    const manifest = { name: 'app', version: '1.0.0', private: true };
    await writeFile(join(root, 'srv/app/package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  },
  async bundle(work, release, health) {
    const version = this.version(release);
    const dir = join(work, `npm-${release}`);
    await mkdir(dir, { recursive: true });
    const manifest = { name: 'pc-demo', version, main: 'index.js' };
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest));
    await writeFile(join(dir, 'index.js'), `module.exports = ${JSON.stringify(version)};\n`);
    const cache = join(work, 'npm-cache');
    await run('npm', ['pack', dir, '--pack-destination', work, '--cache', cache, '--silent']);
    const content = new Uint8Array(await readFile(join(work, `pc-demo-${version}.tgz`)));
    return buildBundle({
      name: 'pc-demo-npm',
      version: `${release}`,
      files: [{ path: `packages/pc-demo-${version}.tgz`, mode: 0o644, content }],
      installer: { kind: 'npm', prefix: 'srv/app' },
      health,
    });
  },
  version: (release) => `${release}.0.0`,
  async installedVersion(root) {
    const path = join(root, 'srv/app/node_modules/pc-demo/package.json');
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const lock = JSON.parse(await readFile(join(root, 'srv/app/package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const installed = (JSON.parse(text) as { version: string }).version;
    if (lock.packages['node_modules/pc-demo']?.version !== installed) {
      throw new Error('package-lock.json does not pin the installed version');
    }
    return installed;
  },
  isNewer: (a, b) => Promise.resolve(compareVersions('npm', a, b) > 0),
  state: (root) => snapshot(join(root, 'srv/app')),
};

export async function fixtures(): Promise<readonly Fixture[]> {
  const dpkg = (await has('dpkg', ['--version'])) && (await has('dpkg-deb', ['--version']));
  const npm = await has('npm', ['--version']);
  return [
    filesFixture,
    { ...dpkgFixture, skip: dpkg ? undefined : 'dpkg and dpkg-deb are not installed' },
    { ...rpmFixture, skip: await rpmToolsMissing() },
    { ...npmFixture, skip: npm ? undefined : 'npm is not installed' },
    { ...pipFixture, skip: await venvMissing() },
  ];
}
