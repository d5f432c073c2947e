/**
 * Gets a verified bundle, through a delta when the agent holds the exact base (ADR 0037,
 * docs/protocol/delta.md §4): the delta is a TUF target (§5.7: signed length and hash), its
 * signed link must name the kept base and the bundle's signed hash and length, and the rebuilt
 * bytes are checked against the bundle's signed hash before anything uses them. Any mismatch or
 * failure falls back to downloading the full bundle; nothing unverified leaves this function.
 */
import { errorCodeOf, verifyTarget } from '@patchcast/core';
import type { TargetFile, Updater } from '@patchcast/core';
import {
  applyDelta,
  deltaLinkMismatch,
  deltaLinkOf,
  deltaTargetPath,
  targetPathOf,
} from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import { crashPoint } from '../install/crash-point.js';
import type { BaseStore, KeptBase } from './base-store.js';
import { originOnly } from '../fetch/verified-target.js';
import type { TargetFetcher } from '../fetch/verified-target.js';

/**
 * What a bundle cost to get: `downloadBytes` fetched (`peerBytes` of them from peers of the site,
 * the rest from the origin), `savedBytes` not fetched thanks to a delta.
 */
export interface Transfer {
  readonly downloadBytes: number;
  readonly savedBytes: number;
  readonly peerBytes: number;
}

export interface FetchedBundle {
  readonly info: TargetFile;
  readonly bytes: Uint8Array;
  readonly transfer: Transfer;
}

export interface BundleFetchDeps {
  readonly updater: Pick<Updater, 'findTarget' | 'download'>;
  readonly bases: BaseStore;
  readonly log: (line: string) => void;
  /** How target bytes are fetched (fetch/verified-target.ts); absent: the updater's download. */
  readonly targets?: TargetFetcher | undefined;
}

export async function fetchBundle(deps: BundleFetchDeps, ref: PatchRef): Promise<FetchedBundle> {
  const path = targetPathOf(ref);
  const info = await deps.updater.findTarget(path); // §5.6.7
  const base = await deps.bases.load(ref.name).catch(() => undefined);
  const fetchTarget = deps.targets ?? originOnly(deps.updater);
  let spent = { download: 0, peer: 0 };
  if (base !== undefined && base.sha256 !== info.hashes.sha256) {
    try {
      const viaDelta = await throughDelta(deps, fetchTarget, ref, info, base, (n) => (spent = n));
      if (viaDelta !== undefined) return viaDelta;
    } catch (error) {
      deps.log(
        `${path}: delta not used (${errorCodeOf(error)}: ${(error as Error).message}); downloading the full bundle`,
      );
    }
  }
  const { bytes, originBytes, peerBytes } = await fetchTarget(path); // §5.7
  const transfer = {
    downloadBytes: spent.download + originBytes + peerBytes,
    savedBytes: 0,
    peerBytes: spent.peer + peerBytes,
  };
  return { info, bytes, transfer };
}

async function throughDelta(
  deps: BundleFetchDeps,
  fetchTarget: TargetFetcher,
  ref: PatchRef,
  info: TargetFile,
  base: KeptBase,
  spent: (bytes: { download: number; peer: number }) => void,
): Promise<FetchedBundle | undefined> {
  const path = deltaTargetPath(ref, base.sha256);
  const deltaInfo = await deps.updater.findTarget(path).catch(() => undefined);
  if (deltaInfo === undefined) return undefined; // no delta for this base: not an error
  const link = deltaLinkOf(path, deltaInfo);
  const mismatch = deltaLinkMismatch(path, link, info);
  if (mismatch !== undefined) throw new Error(mismatch);
  if (link.base.sha256 !== base.sha256 || link.base.length !== base.bytes.length)
    throw new Error(`${path} is not made for the kept base`);
  const { bytes: delta, originBytes, peerBytes } = await fetchTarget(path); // §5.7, the delta
  const fetched = originBytes + peerBytes; // less than its length when a kept part was resumed
  spent({ download: fetched, peer: peerBytes });
  crashPoint('delta-downloaded');
  const rebuilt = await applyDelta(link.format, base.bytes, delta, info.length);
  crashPoint('delta-rebuilt');
  verifyTarget(targetPathOf(ref), info, rebuilt); // the bundle's own signed length and hash
  return {
    info,
    bytes: rebuilt,
    transfer: { downloadBytes: fetched, savedBytes: info.length - delta.length, peerBytes },
  };
}
