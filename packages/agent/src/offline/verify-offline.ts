/**
 * An offline bundle for `patchcast apply`: verify it exactly as an online agent verifies a patch
 * (verify-patch.ts, with the repository and the log read from the bundle), and only then hand
 * the bundle to the install engine. Trust comes from a root and log key given out of band, or
 * from an agent's data folder, whose trusted metadata and checkpoint advance as online.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, SecurityError, Updater } from '@patchcast/core';
import { MAX_OFFLINE_BYTES, readOfflineBundle } from '@patchcast/protocol';
import type { OfflineBundle, ParsedBundle } from '@patchcast/protocol';
import { LogChecker } from '../log/log-checker.js';
import { fileTrustStore, trustedMetadataDir } from '../tuf-ops.js';
import { assertRootMetadata } from '../enroll.js';
import { AgentState } from '../state.js';
import { verifyPatch } from '../verify-patch.js';
import { readBoundedFile } from '../install/apply-file.js';
import { offlineLogOps, offlineRepository } from './offline-ops.js';

/** Where trust comes from: a root and log key given out of band, or an agent's data folder. */
export type OfflineTrust =
  | { readonly kind: 'trusted-root'; readonly rootFile: string; readonly logKey: string }
  | { readonly kind: 'agent-state'; readonly dataDir: string; readonly logKey?: string };

export interface OfflineVerifyRequest {
  readonly bundlePath: string;
  readonly trust: OfflineTrust;
  /** Require ML-DSA-65 keys for every role; undefined: on when the trusted root has them. */
  readonly requirePq?: boolean | undefined;
  readonly allowSpecialModes?: boolean;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** Reads and verifies an offline bundle; throws a SecurityError unless it is a signed patch. */
export async function verifyOfflineBundle(request: OfflineVerifyRequest): Promise<ParsedBundle> {
  const bytes = await readBoundedFile(request.bundlePath, MAX_OFFLINE_BYTES, (size) => {
    throw new SecurityError(
      'SECURITY_OFFLINE_MALFORMED',
      `${request.bundlePath} has ${size} bytes; the limit is ${MAX_OFFLINE_BYTES}`,
    );
  });
  const offline = readOfflineBundle(bytes);
  return withTrustDir(request.trust, (dataDir) => verifyIn(dataDir, offline, request));
}

async function verifyIn(
  dataDir: string,
  offline: OfflineBundle,
  request: OfflineVerifyRequest,
): Promise<ParsedBundle> {
  const publication = new LogChecker({
    dataDir,
    ops: offlineLogOps(offline),
    logKey: request.trust.logKey,
    log: request.log ?? (() => undefined),
  });
  await publication.load();
  const updater = new Updater({
    repository: offlineRepository(offline),
    store: fileTrustStore(dataDir),
    now: request.now ?? (() => new Date()),
    requirePq: request.requirePq,
  });
  const limits = { allowSpecialModes: request.allowSpecialModes === true };
  return (await verifyPatch({ updater, publication }, offline.ref, { limits })).bundle;
}

/**
 * The agent's own data folder, or a throwaway one seeded like an enrollment with the given root
 * (verification then remembers nothing: a fresh agent's view).
 */
async function withTrustDir<T>(trust: OfflineTrust, work: (dir: string) => Promise<T>) {
  if (trust.kind === 'agent-state') {
    await access(join(trustedMetadataDir(trust.dataDir), 'root.json')).catch(() => {
      throw new PatchcastError('CONFIG_INVALID', `${trust.dataDir} holds no agent trust`, {
        hint: "pass the agent's --data folder (it has tuf/root.json once enrolled)",
      });
    });
    return work(trust.dataDir);
  }
  const root = new Uint8Array(await readFile(trust.rootFile).catch(cannotRead(trust.rootFile)));
  assertRootMetadata(root);
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-verify-'));
  try {
    await fileTrustStore(dir).save('root', root);
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function cannotRead(path: string) {
  return (error: unknown): never => {
    throw new PatchcastError('CONFIG_INVALID', `cannot read --trusted-root ${path}`, {
      hint: 'pass the root.json you trust (e.g. 1.root.json from the server, checked out of band)',
      cause: error,
    });
  };
}

/** After an install from an agent's state: the agent knows the patch is installed. */
export async function recordOfflineInstall(
  dataDir: string,
  ref: { readonly name: string; readonly version: string },
): Promise<void> {
  const state = new AgentState(dataDir);
  await state.load();
  await state.recordInstalled(ref);
}
