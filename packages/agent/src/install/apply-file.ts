/** Offline install of a bundle file (`patchcast apply`): the agent's installers, without a server. */
import { open } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';
import { DEFAULT_BUNDLE_LIMITS, readBundle } from '@patchcast/protocol';
import type { ParsedBundle } from '@patchcast/protocol';
import { errnoOf } from './fs-util.js';
import { installPatch } from '../installers/install-patch.js';
import type { InstallOutcome } from './types.js';

export interface ApplyFileRequest {
  readonly bundlePath: string;
  readonly root: string;
  readonly stateDir: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Local policy: accept setuid, setgid and sticky bits (refused by default). */
  readonly allowSpecialModes?: boolean;
}

export interface ApplyFileResult {
  readonly patch: { readonly name: string; readonly version: string };
  readonly outcome: InstallOutcome;
  /** Installed, and the bundle says the machine must be rebooted (nothing reboots it). */
  readonly rebootRequired: boolean;
}

export async function applyBundleFile(request: ApplyFileRequest): Promise<ApplyFileResult> {
  const bundle = await readBundleFile(request.bundlePath, request.allowSpecialModes === true);
  const { name, version } = bundle.manifest;
  const outcome = await installPatch({
    bundle,
    root: request.root,
    stateDir: request.stateDir,
    ...(request.env === undefined ? {} : { env: request.env }),
  });
  const rebootRequired = outcome.status === 'installed' && bundle.manifest.rebootRequired === true;
  return { patch: { name, version }, outcome, rebootRequired };
}

/** Reads and fully verifies a bundle file; its size is checked before any byte is read. */
export async function readBundleFile(
  path: string,
  allowSpecialModes = false,
): Promise<ParsedBundle> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw cannotRead(path, error);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new PatchcastError('INVALID_INPUT', `${path} is not a regular file`, {
        hint: 'pass the path of a bundle.tar made by `patchcast bundle`',
      });
    }
    const limit = DEFAULT_BUNDLE_LIMITS.maxBundleBytes;
    if (stats.size > limit) {
      throw new PatchcastError(
        'BUNDLE_MALFORMED',
        `bundle has ${stats.size} bytes; the limit is ${limit}`,
      );
    }
    return readBundle(new Uint8Array(await handle.readFile()), { allowSpecialModes });
  } finally {
    await handle.close();
  }
}

function cannotRead(path: string, error: unknown): PatchcastError {
  const missing = errnoOf(error) === 'ENOENT';
  return new PatchcastError(
    missing ? 'NOT_FOUND' : 'INVALID_INPUT',
    missing ? `bundle file ${path} does not exist` : `cannot read ${path}: ${String(error)}`,
    { hint: 'pass the path of a bundle.tar made by `patchcast bundle`', cause: error },
  );
}
