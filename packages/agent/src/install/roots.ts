import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { errnoOf } from './fs-util.js';
import { isInside } from './paths.js';

export interface ResolvedRoots {
  readonly root: string;
  readonly stateDir: string;
  /** The state folder as a bundle path, when it lies inside the root: bundles may not touch it. */
  readonly stateInRoot?: string;
}

/** The real paths of the root (must exist) and the state folder (created if missing). */
export async function resolveRoots(root: string, stateDir: string): Promise<ResolvedRoots> {
  const realRoot = await realRootOf(root);
  const realState = await realpathLoose(resolve(stateDir));
  if (realState === realRoot) {
    throw new PatchcastError('INSTALL_FAILED', `state folder ${realState} is the managed root`, {
      hint: 'keep the agent data folder apart from the folder it manages',
    });
  }
  await mkdir(realState, { recursive: true, mode: 0o700 });
  if (!isInside(realRoot, realState)) return { root: realRoot, stateDir: realState };
  const stateInRoot = relative(realRoot, realState).split(sep).join('/');
  return { root: realRoot, stateDir: realState, stateInRoot };
}

async function realRootOf(root: string): Promise<string> {
  try {
    const real = await realpath(resolve(root));
    if ((await stat(real)).isDirectory()) return real;
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw error;
  }
  throw new PatchcastError('INSTALL_FAILED', `managed root ${root} is not an existing folder`, {
    hint: 'create the managed root folder or fix the configured path',
  });
}

async function realpathLoose(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' || dirname(path) === path) throw error;
    return join(await realpathLoose(dirname(path)), basename(path));
  }
}
