/**
 * What every install runs before the root is touched, online (patch-runner.ts) and offline
 * (offline/apply-offline.ts) alike: the TUF chain, a withdrawal in the target's signed custom
 * metadata, the target's length and hash, the log's proof of publication, the strict bundle read. Only the I/O behind the updater and the log checker
 * differs.
 */
import { PatchcastError } from '@patchcast/core/base';
import type { TargetFile, Updater } from '@patchcast/core';
import { formatPatchRef, readBundle, targetPathOf } from '@patchcast/protocol';
import type { BundleLimits, ParsedBundle, PatchRef } from '@patchcast/protocol';
import type { LogChecker } from './log/log-checker.js';
import { checkNotWithdrawn } from './target-checks.js';
import { fetchBundle } from './delta/fetch-bundle.js';
import type { FetchedBundle, Transfer } from './delta/fetch-bundle.js';
import type { BaseStore } from './delta/base-store.js';
import type { TargetFetcher } from './fetch/verified-target.js';

export interface PatchVerifier {
  readonly updater: Updater;
  readonly publication: Pick<LogChecker, 'checkPublication'>;
  /** Kept bundles of installed versions: a delta rebuilds from them (online only). */
  readonly bases?: BaseStore | undefined;
  /** How target bytes are fetched online (pieces from peers or the origin); absent: the updater. */
  readonly targets?: TargetFetcher | undefined;
  readonly log?: (line: string) => void;
}

export interface VerifyHooks {
  /** After §5.3 to §5.6 succeeded (the trusted metadata is saved). */
  readonly refreshed?: () => Promise<void>;
  /** After the target passed §5.7. */
  readonly downloaded?: () => void;
  readonly limits?: Partial<BundleLimits>;
}

export interface VerifiedPatch {
  readonly bundle: ParsedBundle;
  readonly info: TargetFile;
  /** The bundle's bytes, verified against its signed hash. */
  readonly bytes: Uint8Array;
  readonly transfer: Transfer;
}

export async function verifyPatch(
  verifier: PatchVerifier,
  ref: PatchRef,
  hooks: VerifyHooks = {},
): Promise<VerifiedPatch> {
  const { updater, publication } = verifier;
  await updater.refresh(); // §5.3 to §5.6: the whole chain is verified before any download
  await hooks.refreshed?.();
  checkNotWithdrawn(ref, await updater.findTarget(targetPathOf(ref))); // signed custom metadata
  const { info, bytes, transfer } = await download(verifier, ref); // §5.7: length and hash
  hooks.downloaded?.();
  await publication.checkPublication(ref, info); // the log proves its publication
  const bundle = readBundle(bytes, hooks.limits);
  if (bundle.manifest.name !== ref.name || bundle.manifest.version !== ref.version) {
    throw new PatchcastError(
      'BUNDLE_MALFORMED',
      `bundle says ${bundle.manifest.name}@${bundle.manifest.version}, expected ${formatPatchRef(ref)}`,
    );
  }
  return { bundle, info, bytes, transfer };
}

/** §5.7 for the bundle, through a delta from a kept base where there is one (fetch-bundle.ts). */
async function download(verifier: PatchVerifier, ref: PatchRef): Promise<FetchedBundle> {
  const { updater, bases } = verifier;
  if (bases !== undefined)
    return fetchBundle(
      { updater, bases, targets: verifier.targets, log: verifier.log ?? (() => undefined) },
      ref,
    );
  const { info, bytes } = await updater.download(targetPathOf(ref));
  return { info, bytes, transfer: { downloadBytes: bytes.length, savedBytes: 0, peerBytes: 0 } };
}
