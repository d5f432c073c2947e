/**
 * Signed piece requests between peers (docs/protocol/peers.md §4). The requesting agent signs, with
 * its device key (Ed25519), the target, the piece, its own device id, the serving device's id, a
 * time and a nonce; the serving agent checks the signature against the key the server vouches for
 * (`check`), the time within PEER_REQUEST_SKEW_MS of its clock and the nonce not seen before.
 */
import { canonicalBytes } from '@patchcast/core/base';

export const PEER_PIECE_PURPOSE = 'patchcast-peer-piece/v1';
export const PEER_PIECE_PATH = '/peer/v1/pieces';
export const PEER_REQUEST_SKEW_MS = 60_000;

/** Headers that carry the request's signature and its signed fields besides the path. */
export const PEER_HEADERS = {
  device: 'x-patchcast-device',
  time: 'x-patchcast-time',
  nonce: 'x-patchcast-nonce',
  signature: 'x-patchcast-signature',
} as const;

export interface PeerPieceRequest {
  readonly sha256: string;
  readonly piece: number;
  /** The requesting device. */
  readonly from: string;
  /** The device asked (binding it stops a request being replayed to another peer). */
  readonly to: string;
  /** Milliseconds since the epoch, the requester's clock. */
  readonly time: number;
  readonly nonce: string;
}

/** `/peer/v1/pieces/<sha256>/<piece>?to=<device>` */
export function peerPiecePath(request: Pick<PeerPieceRequest, 'sha256' | 'piece' | 'to'>): string {
  return `${PEER_PIECE_PATH}/${request.sha256}/${request.piece}?to=${encodeURIComponent(request.to)}`;
}

/** The bytes a requester signs. */
export function peerRequestStatement(request: PeerPieceRequest): Uint8Array {
  return canonicalBytes({ purpose: PEER_PIECE_PURPOSE, ...request });
}
