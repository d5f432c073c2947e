/**
 * The site's swarm as the piece fetcher sees it (fetch/piece-swarm.ts): peers from the tracker,
 * signed piece requests, fault reports, and this agent's own download offered through its peer
 * server while it grows. One target is offered at a time (the download in progress or the last
 * one completed), like the one download kept on disk (fetch/piece-file.ts).
 */
import { decodeBitfield, encodeBitfield } from '@patchcast/protocol/peers';
import type { PeerFault } from '@patchcast/protocol/peers';
import type { PieceFile } from '../fetch/piece-file.js';
import type { PeerView, PieceSwarm } from '../fetch/piece-swarm.js';
import { fetchPeerPiece } from './peer-client.js';
import type { PeerClientDeps } from './peer-client.js';
import type { TrackerClient } from './tracker-client.js';

/**
 * New pieces are announced at most every ANNOUNCE_CHECK_MS (the first one at once), and the whole
 * set at least every ANNOUNCE_MS: the channel allows 50 messages a second per device.
 */
const ANNOUNCE_CHECK_MS = 250;
const ANNOUNCE_MS = 5_000;

export interface SwarmDeps extends PeerClientDeps {
  readonly tracker: TrackerClient;
  /** Where this agent serves pieces; undefined when it does not serve (metered link). */
  readonly address: string | undefined;
}

interface Offer {
  readonly sha256: string;
  readonly file: PieceFile;
  announced: number;
  at: number;
}

export class Swarm implements PieceSwarm {
  readonly #deps: SwarmDeps;
  #offer: Offer | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(deps: SwarmDeps) {
    this.#deps = deps;
    this.#timer = setInterval(() => this.#announce(false), ANNOUNCE_CHECK_MS);
    this.#timer.unref();
  }

  async peers(sha256: string): Promise<readonly PeerView[]> {
    const peers = await this.#deps.tracker.want(sha256);
    const count = this.#offer?.sha256 === sha256 ? this.#offer.file.count : 4096;
    return peers.map((p) => ({
      deviceId: p.deviceId,
      address: p.address,
      have: decodeBitfield(p.have, count),
    }));
  }

  fetchPiece(peer: PeerView, sha256: string, index: number, length: number): Promise<Uint8Array> {
    return fetchPeerPiece(this.#deps, peer, sha256, index, length);
  }

  report(sha256: string, deviceId: string, piece: number, fault: PeerFault): void {
    this.#deps.tracker.report(sha256, deviceId, piece, fault);
  }

  offer(sha256: string, file: PieceFile): void {
    const previous = this.#offer;
    if (previous?.file === file) return this.#announce(false); // a new piece: tell the site now
    if (previous !== undefined) {
      if (previous.sha256 !== sha256) this.#deps.tracker.drop(previous.sha256);
      void previous.file.close();
    }
    this.#offer = { sha256, file, announced: -1, at: 0 };
    this.#announce(true);
  }

  /** The file of `sha256` when it is the one offered (the peer server reads pieces from it). */
  holding(sha256: string): PieceFile | undefined {
    return this.#offer?.sha256 === sha256 ? this.#offer.file : undefined;
  }

  /** Announce again (after the channel reconnected: the tracker forgot this device). */
  reannounce(): void {
    this.#announce(true);
  }

  close(): void {
    clearInterval(this.#timer);
    void this.#offer?.file.close();
    this.#offer = undefined;
  }

  #announce(force: boolean): void {
    const offer = this.#offer;
    const address = this.#deps.address;
    if (offer === undefined || address === undefined) return;
    const held = offer.file.held.size;
    const now = performance.now();
    if (!force && held === offer.announced && now - offer.at < ANNOUNCE_MS) return;
    if (!force && (held === 0 || now - offer.at < ANNOUNCE_CHECK_MS)) return;
    offer.announced = held;
    offer.at = now;
    const have = encodeBitfield(offer.file.held, offer.file.count);
    this.#deps.tracker.have(offer.sha256, offer.file.count, have, address);
  }
}
