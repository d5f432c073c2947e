/**
 * The agent's one way to get a target's bytes for an install (issue 19 item 4): a target with a
 * signed piece list is fetched piece by piece, from peers of the site when peer-to-peer is on,
 * else from the origin (fetch-pieces.ts); a target published before piece lists goes through the
 * updater's own download (download-target.ts, resumable ranges). Either way the bytes returned
 * passed TUF §5.7 against the signed length and hash.
 */
import { consistentTargetPath } from '@patchcast/core';
import type { TargetFile, Updater } from '@patchcast/core';
import { signedPiecesOf } from '@patchcast/protocol/peers';
import { fetchPieces } from './fetch-pieces.js';
import type { PieceFetchOptions } from './fetch-pieces.js';

export interface FetchedTarget {
  readonly info: TargetFile;
  readonly bytes: Uint8Array;
  readonly originBytes: number;
  readonly peerBytes: number;
}

export type TargetFetcher = (path: string) => Promise<FetchedTarget>;

export interface VerifiedTargetDeps extends PieceFetchOptions {
  readonly updater: Pick<Updater, 'findTarget' | 'download'>;
  /** The server the agent is connected to now. */
  readonly server: () => string;
}

export function verifiedTargets(deps: VerifiedTargetDeps): TargetFetcher {
  return async (path) => {
    const info = await deps.updater.findTarget(path); // §5.6.7
    const pieces = signedPiecesOf(path, info);
    if (pieces === undefined) return originOnly(deps.updater)(path);
    const url = `${deps.server()}/tuf/targets/${consistentTargetPath(path, info.hashes.sha256)}`;
    const got = await fetchPieces(deps, { path, url, info, pieces });
    return { info, ...got };
  };
}

/** The updater's §5.7 download, all bytes from the origin (offline and older targets). */
export function originOnly(updater: Pick<Updater, 'download'>): TargetFetcher {
  return async (path) => {
    const { info, bytes } = await updater.download(path);
    return { info, bytes, originBytes: bytes.length, peerBytes: 0 };
  };
}
