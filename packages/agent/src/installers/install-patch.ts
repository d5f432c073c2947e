/** The one entry point for installs: pick the bundle's installer, under the state folder's lock. */
import { PatchcastError } from '@patchcast/core';
import { acquireInstallLock } from '../install/lock.js';
import { resolveRoots } from '../install/roots.js';
import type { InstallOutcome, InstallRequest, RecoveryResult } from '../install/types.js';
import { dpkgInstaller } from './dpkg/dpkg-installer.js';
import { filesInstaller } from './files-installer.js';
import type { InstallContext, Installer } from './installer.js';
import { npmInstaller } from './npm/npm-installer.js';
import { pipInstaller } from './pip/pip-installer.js';
import { rpmInstaller } from './rpm/rpm-installer.js';

export const INSTALLERS: readonly Installer[] = [
  filesInstaller,
  dpkgInstaller,
  rpmInstaller,
  npmInstaller,
  pipInstaller,
];

export async function installPatch(request: InstallRequest): Promise<InstallOutcome> {
  const kind = request.bundle.manifest.installer?.kind ?? 'files';
  if (kind === 'agent') {
    throw new PatchcastError(
      'SELF_UPDATE_UNSUPPORTED',
      'an agent update is not installed into a root',
      {
        hint: 'roll it out to packaged agents (`patchcast-agent run`): they replace themselves',
      },
    );
  }
  const installer = INSTALLERS.find((candidate) => candidate.kind === kind) ?? filesInstaller;
  return withLock(request.root, request.stateDir, async (context) => {
    await recoverEach(context);
    return installer.install(request.bundle, {
      ...context,
      env: request.env,
      onPhase: request.onPhase,
    });
  });
}

/** Finishes or undoes what a crash left, for every installer (run at agent start). */
export function recoverInstalls(root: string, stateDir: string): Promise<RecoveryResult> {
  return withLock(root, stateDir, recoverEach);
}

async function recoverEach(context: InstallContext): Promise<RecoveryResult> {
  let recovered = 0;
  const actions = new Set<RecoveryResult['action']>();
  for (const installer of INSTALLERS) {
    const result = await installer.recover(context);
    recovered += result.recovered;
    actions.add(result.action);
  }
  const action = actions.has('rolled-back')
    ? 'rolled-back'
    : actions.has('committed')
      ? 'committed'
      : 'none';
  return { recovered, action };
}

async function withLock<T>(
  root: string,
  stateDir: string,
  work: (context: InstallContext) => Promise<T>,
): Promise<T> {
  const roots = await resolveRoots(root, stateDir);
  const lock = await acquireInstallLock(roots.stateDir);
  try {
    return await work(roots);
  } finally {
    await lock.release();
  }
}
