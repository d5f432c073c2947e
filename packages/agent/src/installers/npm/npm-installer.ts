/**
 * The npm installer: moves a project (`installer.prefix` under the root) to the package tarballs
 * of a bundle with `npm install`, which pins them in package.json and package-lock.json. Before
 * that it copies package.json, package-lock.json, node_modules and .patchcast aside; rollback
 * puts exactly those back. Tarballs are kept in `<prefix>/.patchcast/packages/`, which the
 * pinned `file:` specs name.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { ParsedBundle } from '@patchcast/protocol';
import { lstatOrUndefined } from '../../install/fs-util.js';
import { underRoot } from '../../install/paths.js';
import type { InstallContext } from '../installer.js';
import { managedFolder } from '../managed-folder.js';
import { packageInstaller } from '../package-transaction.js';
import { stageBlob } from '../stage-blob.js';
import { runToolOk } from '../tool.js';

const MANAGED = ['package.json', 'package-lock.json', 'node_modules', '.patchcast'] as const;
const PACKAGES = '.patchcast/packages';

interface NpmPayload {
  readonly prefix: string;
  readonly existed: readonly string[];
  readonly tarballs: readonly string[];
}

export const npmInstaller = packageInstaller<NpmPayload>({
  kind: 'npm',
  prepare,
  apply,
  rollBack,
  commit: () => Promise.resolve(),
  isPayload,
});

async function prepare(bundle: ParsedBundle, context: InstallContext, work: string) {
  const installer = bundle.manifest.installer;
  if (installer?.kind !== 'npm') throw new Error('not an npm bundle');
  const project = await projectDir(context.root, installer.prefix);
  await mkdir(join(work, 'backup'), { mode: 0o700 });
  const existed: string[] = [];
  for (const name of MANAGED) {
    if ((await lstatOrUndefined(join(project, name))) === undefined) continue;
    await cp(join(project, name), join(work, 'backup', name), copyOptions);
    existed.push(name);
  }
  await mkdir(join(work, 'tarballs'), { mode: 0o700 });
  const tarballs: string[] = [];
  for (const file of bundle.manifest.files) {
    const name = basename(file.path);
    if (tarballs.includes(name)) {
      throw new PatchcastError('BUNDLE_MALFORMED', `two npm packages are named ${name}`);
    }
    await stageBlob(bundle, file, join(work, 'tarballs', name));
    tarballs.push(name);
  }
  return { prefix: installer.prefix, existed, tarballs };
}

async function apply(payload: NpmPayload, context: InstallContext, work: string) {
  const project = underRoot(context.root, payload.prefix);
  await mkdir(join(project, PACKAGES), { recursive: true, mode: 0o755 });
  for (const name of payload.tarballs) {
    await cp(join(work, 'tarballs', name), join(project, PACKAGES, name));
  }
  const specs = payload.tarballs.map((name) => `./${PACKAGES}/${name}`);
  await runToolOk(['npm', 'install', ...NPM_FLAGS, '--cache', join(work, 'cache'), ...specs], {
    cwd: project,
    env: { HOME: work, npm_config_userconfig: join(work, 'npmrc') },
  });
}

async function rollBack(payload: NpmPayload, context: InstallContext, work: string) {
  const project = underRoot(context.root, payload.prefix);
  for (const name of MANAGED) {
    await rm(join(project, name), { recursive: true, force: true });
    if (payload.existed.includes(name)) {
      await cp(join(work, 'backup', name), join(project, name), copyOptions);
    }
  }
}

const NPM_FLAGS = [
  '--offline',
  '--no-audit',
  '--no-fund',
  '--ignore-scripts',
  '--no-update-notifier',
  '--save-exact',
];

const copyOptions = {
  recursive: true,
  verbatimSymlinks: true,
  preserveTimestamps: true,
  errorOnExist: true,
  force: false,
} as const;

function projectDir(root: string, prefix: string): Promise<string> {
  return managedFolder(root, prefix, {
    message: `npm project folder "${prefix}" does not exist`,
    hint: 'installer.prefix names an existing project folder under the managed root',
  });
}

function isPayload(value: unknown): value is NpmPayload {
  const p = value as Partial<Record<keyof NpmPayload, unknown>> | null;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return typeof p?.prefix === 'string' && strings(p.existed) && strings(p.tarballs);
}
