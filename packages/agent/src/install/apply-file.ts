/**
 * Offline install of a bundle file (`patchcast apply`): verified like an online agent's patch
 * (offline/verify-offline.ts), or, only when asked for, a bare bundle taken unsigned; then the
 * agent's installers, without a server. Each attempt is recorded in `<stateDir>/apply.log`.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { DEFAULT_BUNDLE_LIMITS, readBundle } from '@patchcast/protocol';
import type { ParsedBundle } from '@patchcast/protocol';
import { errnoOf } from './fs-util.js';
import { installPatch } from '../installers/install-patch.js';
import type { InstallOutcome } from './types.js';
import { recordOfflineInstall, verifyOfflineBundle } from '../offline/verify-offline.js';
import type { OfflineTrust } from '../offline/verify-offline.js';

/** How the bundle is trusted; `unsigned` installs a bare bundle nobody verified (logged). */
export type ApplyTrust = OfflineTrust | { readonly kind: 'unsigned' };

export interface ApplyFileRequest {
  readonly bundlePath: string;
  readonly root: string;
  readonly stateDir: string;
  readonly trust: ApplyTrust;
  /** Require ML-DSA-65 keys for every role; undefined: on when the trusted root has them. */
  readonly requirePq?: boolean | undefined;
  readonly env?: Readonly<Record<string, string>>;
  /** Local policy: accept setuid, setgid and sticky bits (refused by default). */
  readonly allowSpecialModes?: boolean;
  readonly log?: (line: string) => void;
  /** Told, before the install starts, that an unsigned bundle is about to be installed. */
  readonly warn?: (line: string) => void;
}

export interface ApplyFileResult {
  readonly patch: { readonly name: string; readonly version: string };
  readonly outcome: InstallOutcome;
  /** Installed, and the bundle says the machine must be rebooted (nothing reboots it). */
  readonly rebootRequired: boolean;
}

export async function applyBundleFile(request: ApplyFileRequest): Promise<ApplyFileResult> {
  const { trust } = request;
  const allowSpecialModes = request.allowSpecialModes === true;
  const bundle =
    trust.kind === 'unsigned'
      ? await readBundleFile(request.bundlePath, allowSpecialModes)
      : await verifyOfflineBundle({ ...request, trust, allowSpecialModes });
  const { name, version } = bundle.manifest;
  if (trust.kind === 'unsigned') request.warn?.(unsignedWarning(request, `${name}@${version}`));
  await appendApplyLog(request.stateDir, {
    at: new Date().toISOString(),
    patch: `${name}@${version}`,
    file: request.bundlePath,
    verified: trust.kind === 'unsigned' ? 'UNSIGNED' : trust.kind,
  });
  const outcome = await installPatch({
    bundle,
    root: request.root,
    stateDir: request.stateDir,
    ...(request.env === undefined ? {} : { env: request.env }),
  });
  if (outcome.status === 'installed' && trust.kind === 'agent-state')
    await recordOfflineInstall(trust.dataDir, { name, version });
  const rebootRequired = outcome.status === 'installed' && bundle.manifest.rebootRequired === true;
  return { patch: { name, version }, outcome, rebootRequired };
}

/** The line an unsigned install always prints (and `patchcast apply --json` repeats). */
export function unsignedWarning(request: ApplyFileRequest, ref: string): string {
  return `installing ${ref} from ${request.bundlePath} UNSIGNED: no signature or log proves who made it (recorded in ${join(request.stateDir, 'apply.log')})`;
}

/** One JSON line per offline install attempt, written before the root is touched. */
async function appendApplyLog(stateDir: string, record: Record<string, string>): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await appendFile(join(stateDir, 'apply.log'), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** Reads and fully verifies a bundle file; its size is checked before any byte is read. */
export async function readBundleFile(
  path: string,
  allowSpecialModes = false,
): Promise<ParsedBundle> {
  const limit = DEFAULT_BUNDLE_LIMITS.maxBundleBytes;
  const bytes = await readBoundedFile(path, limit, (size) => {
    throw new PatchcastError('BUNDLE_MALFORMED', `bundle has ${size} bytes; the limit is ${limit}`);
  });
  return readBundle(bytes, { allowSpecialModes });
}

/** The bytes of the regular file `path`, once its size is known to be at most `limit`. */
export async function readBoundedFile(
  path: string,
  limit: number,
  tooLarge: (size: number) => never,
): Promise<Uint8Array> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw cannotRead(path, error);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new PatchcastError('INVALID_INPUT', `${path} is not a regular file`, {
        hint: 'pass the path of a bundle file made by `patchcast export` or `patchcast bundle`',
      });
    }
    if (stats.size > limit) tooLarge(stats.size);
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

function cannotRead(path: string, error: unknown): PatchcastError {
  const missing = errnoOf(error) === 'ENOENT';
  return new PatchcastError(
    missing ? 'NOT_FOUND' : 'INVALID_INPUT',
    missing ? `bundle file ${path} does not exist` : `cannot read ${path}: ${String(error)}`,
    { hint: 'pass the path of a bundle file made by `patchcast export`', cause: error },
  );
}
