/**
 * What the piece fetcher needs of peer-to-peer (the peer/ folder implements it, loaded only when
 * `peer.enabled`): the site's peers that hold pieces of a target, one signed piece request, fault
 * reports, and the download's pieces offered to the site while they arrive.
 */
import type { PeerFault } from '@patchcast/protocol/peers';
import type { PieceFile } from './piece-file.js';

export interface PeerView {
  readonly deviceId: string;
  readonly address: string;
  /** Pieces it said it holds; pieces it turned out not to hold are taken out. */
  readonly have: Set<number>;
}

/** A peer failed a piece request: what to report, and the message for the log. */
export class PeerFailure extends Error {
  readonly fault: PeerFault;
  constructor(fault: PeerFault, message: string) {
    super(message);
    this.fault = fault;
  }
}

/** The peer answered that it does not hold the piece (its announcement was older): not a fault. */
export class PeerLacksPiece extends Error {}

export interface PieceSwarm {
  /** The site's peers holding pieces of `sha256`; asks the tracker again when `fresh`. */
  peers(sha256: string, fresh: boolean): Promise<readonly PeerView[]>;
  /** Piece `index` (`length` bytes) from `peer`; throws PeerFailure or PeerLacksPiece. */
  fetchPiece(peer: PeerView, sha256: string, index: number, length: number): Promise<Uint8Array>;
  report(sha256: string, deviceId: string, piece: number, fault: PeerFault): void;
  /** Serve `file`'s held pieces to the site and announce them; called again at each new piece. */
  offer(sha256: string, file: PieceFile): void;
}
