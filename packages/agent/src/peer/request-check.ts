/**
 * The serving peer's checks of a piece request (docs/protocol/peers.md §4), in order: well formed;
 * addressed to this device; its time within PEER_REQUEST_SKEW_MS; its nonce not seen before; the
 * requester an enrolled, not revoked device of this site (the server vouches with its key, kept
 * KEY_CACHE_MS); the signature by that key. Any failure refuses the request (403, or 400).
 */
import { ed25519Key, verifyEd25519 } from '@patchcast/core/base';
import {
  MAX_PIECES,
  PEER_HEADERS,
  PEER_PIECE_PATH,
  PEER_REQUEST_SKEW_MS,
  peerRequestStatement,
} from '@patchcast/protocol/peers';
import type { PeerPieceRequest } from '@patchcast/protocol/peers';

const KEY_CACHE_MS = 30_000;
const PATH = new RegExp(`^${PEER_PIECE_PATH}/([0-9a-f]{64})/(\\d{1,5})\\?to=([^&]{1,200})$`);

export type Checked =
  | { readonly ok: true; readonly request: PeerPieceRequest }
  | { readonly ok: false; readonly status: 400 | 403; readonly why: string };

export interface RequestCheckDeps {
  readonly deviceId: string;
  /** The server's word: the device's key when it is an enrolled device of this site. */
  readonly vouch: (deviceId: string) => Promise<string | undefined>;
  readonly now: () => number;
}

export class RequestChecker {
  readonly #deps: RequestCheckDeps;
  readonly #keys = new Map<string, { readonly key: string | undefined; readonly at: number }>();
  /** Nonces seen within the skew window, with when they expire. */
  readonly #nonces = new Map<string, number>();

  constructor(deps: RequestCheckDeps) {
    this.#deps = deps;
  }

  async check(url: string, headers: Readonly<Record<string, unknown>>): Promise<Checked> {
    const request = parse(url, headers);
    if (request === undefined) return { ok: false, status: 400, why: 'malformed request' };
    if (request.to !== this.#deps.deviceId)
      return { ok: false, status: 403, why: 'addressed to another device' };
    const now = this.#deps.now();
    if (Math.abs(now - request.time) > PEER_REQUEST_SKEW_MS)
      return { ok: false, status: 403, why: 'time outside the allowed skew' };
    this.#expireNonces(now);
    if (this.#nonces.has(request.nonce)) return { ok: false, status: 403, why: 'replayed nonce' };
    const key = await this.#keyOf(request.from, now);
    if (key === undefined)
      return { ok: false, status: 403, why: 'not an enrolled device of this site' };
    const signature = headers[PEER_HEADERS.signature];
    if (
      typeof signature !== 'string' ||
      !verifyEd25519(ed25519Key(key), signature, peerRequestStatement(request))
    )
      return { ok: false, status: 403, why: 'bad signature' };
    this.#nonces.set(request.nonce, now + 2 * PEER_REQUEST_SKEW_MS);
    return { ok: true, request };
  }

  async #keyOf(deviceId: string, now: number): Promise<string | undefined> {
    const cached = this.#keys.get(deviceId);
    if (cached !== undefined && now - cached.at < KEY_CACHE_MS) return cached.key;
    const key = await this.#deps.vouch(deviceId);
    this.#keys.set(deviceId, { key, at: now });
    return key;
  }

  #expireNonces(now: number): void {
    for (const [nonce, until] of this.#nonces) if (until < now) this.#nonces.delete(nonce);
  }
}

function parse(
  url: string,
  headers: Readonly<Record<string, unknown>>,
): PeerPieceRequest | undefined {
  const match = PATH.exec(url);
  const from = headers[PEER_HEADERS.device];
  const time = Number(headers[PEER_HEADERS.time]);
  const nonce = headers[PEER_HEADERS.nonce];
  if (match === null || typeof from !== 'string' || typeof nonce !== 'string') return undefined;
  const piece = Number(match[2]);
  if (
    !Number.isSafeInteger(time) ||
    piece >= MAX_PIECES ||
    from.length > 64 ||
    !/^[\w-]{8,64}$/.test(nonce)
  )
    return undefined;
  const to = decodeURIComponent(match[3]!);
  return { sha256: match[1]!, piece, from, to, time, nonce };
}
