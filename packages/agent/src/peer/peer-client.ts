/**
 * One signed piece request to a peer (docs/protocol/peers.md §4). What a peer can do wrong is
 * classified for the report: no connection (`unreachable`), a refusal (`refused`), nothing or too
 * little within the piece deadline (`stalled`), fewer bytes than the piece (`truncated`), more
 * bytes or bytes that are not the signed piece (`wrong-bytes`, checked by the caller).
 */
import { randomUUID } from 'node:crypto';
import type { Signer } from '@patchcast/core/base';
import { httpRequest } from '@patchcast/protocol/agent';
import type { HttpResponse } from '@patchcast/protocol/agent';
import { PEER_HEADERS, peerPiecePath, peerRequestStatement } from '@patchcast/protocol/peers';
import type { PeerPieceRequest } from '@patchcast/protocol/peers';
import { PeerFailure, PeerLacksPiece } from '../fetch/piece-swarm.js';
import type { PeerView } from '../fetch/piece-swarm.js';

export interface PeerClientDeps {
  readonly deviceId: string;
  readonly signer: Signer;
  /** How long one piece may take from a peer before it counts as stalled. */
  readonly pieceTimeoutMs: number;
}

export async function fetchPeerPiece(
  deps: PeerClientDeps,
  peer: PeerView,
  sha256: string,
  piece: number,
  length: number,
): Promise<Uint8Array> {
  const request: PeerPieceRequest = {
    sha256,
    piece,
    from: deps.deviceId,
    to: peer.deviceId,
    time: Date.now(),
    nonce: randomUUID(),
  };
  const signature = deps.signer.sign(peerRequestStatement(request));
  let stalled = false;
  let response: HttpResponse | undefined;
  const timer = setTimeout(() => {
    stalled = true;
    void response?.body.cancel();
  }, deps.pieceTimeoutMs);
  try {
    response = await httpRequest(`${peer.address}${peerPiecePath(request)}`, {
      headers: {
        [PEER_HEADERS.device]: request.from,
        [PEER_HEADERS.time]: String(request.time),
        [PEER_HEADERS.nonce]: request.nonce,
        [PEER_HEADERS.signature]: signature,
      },
      timeoutMs: deps.pieceTimeoutMs,
    }).catch((error: unknown) => {
      throw stalled
        ? new PeerFailure('stalled', `no answer within ${deps.pieceTimeoutMs} ms`)
        : new PeerFailure('unreachable', (error as Error).message);
    });
    return await body(response, length, () => stalled, deps.pieceTimeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

async function body(
  response: HttpResponse,
  length: number,
  stalled: () => boolean,
  timeoutMs: number,
): Promise<Uint8Array> {
  if (response.status === 404) {
    await response.body.cancel();
    throw new PeerLacksPiece('the peer does not hold the piece');
  }
  if (response.status !== 200) {
    await response.body.cancel();
    throw new PeerFailure('refused', `HTTP ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.length;
      if (total > length) {
        await response.body.cancel();
        throw new PeerFailure('wrong-bytes', `more than the piece's ${length} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof PeerFailure) throw error;
    if (stalled())
      throw new PeerFailure('stalled', `${total} of ${length} bytes in ${timeoutMs} ms`);
    throw new PeerFailure('truncated', `connection dropped after ${total} of ${length} bytes`);
  }
  if (stalled()) throw new PeerFailure('stalled', `${total} of ${length} bytes in ${timeoutMs} ms`);
  return new Uint8Array(Buffer.concat(chunks));
}
