/**
 * The agent's download of one target with signed pieces (docs/protocol/peers.md §5, ADR 0040):
 * pieces come from peers of the device's site that hold them, else from the origin; each piece is
 * checked against its signed hash before it is written, a peer that sends wrong, truncated or slow
 * bytes (or refuses) is dropped for this download and reported, and its piece is asked elsewhere.
 * The origin is retried with the one backoff policy (retry-policy.ts). The whole file is checked
 * against the target's signed length and hash (TUF §5.7) before it is returned.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchcastError, SecurityError } from '@patchcast/core/base';
import { verifyTarget } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { isSignedPiece } from '@patchcast/protocol/peers';
import type { PieceList } from '@patchcast/protocol/peers';
import { crashPoint } from '../install/crash-point.js';
import { PieceFile } from './piece-file.js';
import { PeerFailure, PeerLacksPiece } from './piece-swarm.js';
import type { PeerView, PieceSwarm } from './piece-swarm.js';
import { Transient, fetchOriginPiece } from './origin-piece.js';
import { DEFAULT_ATTEMPTS, backoffDelay } from './retry-policy.js';

export interface PieceFetchOptions {
  readonly downloadsDir: string;
  /** Absent: the origin only. */
  readonly swarm?: PieceSwarm | undefined;
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  /** Cap on bytes per second from the origin (absent or 0: none). */
  readonly maxBytesPerSecond?: number | undefined;
  readonly log: (line: string) => void;
}

export interface PieceTarget {
  readonly path: string;
  /** The origin's URL of the target (consistent snapshot path). */
  readonly url: string;
  readonly info: TargetFile;
  readonly pieces: PieceList;
}

export interface FetchedPieces {
  readonly bytes: Uint8Array;
  readonly originBytes: number;
  readonly peerBytes: number;
}

const WORKERS = 4;
/** With peers, one origin request at a time: the site shares the rest (ADR 0040). */
const ORIGIN_WORKERS_WITH_PEERS = 1;
const PEER_REQUESTS_EACH = 2;
/** The tracker is asked at most this often (the channel allows 50 messages a second). */
const VIEW_REFRESH_MS = 250;

export async function fetchPieces(
  options: PieceFetchOptions,
  target: PieceTarget,
): Promise<FetchedPieces> {
  const sha256 = target.info.hashes.sha256;
  const file = await PieceFile.open(
    options.downloadsDir,
    sha256,
    target.info.length,
    target.pieces,
  );
  options.swarm?.offer(sha256, file);
  const run = new PieceRun(options, target, file);
  if (file.held.size > 0)
    options.log(`${target.path}: resuming with ${file.held.size} of ${file.count} pieces kept`);
  try {
    await run.all();
    const bytes = await file.finish();
    verifyTarget(target.path, target.info, bytes); // §5.7: the signed length and hash, whole
    if (options.swarm === undefined) await file.discard(); // kept only to serve peers
    return { bytes, originBytes: run.originBytes, peerBytes: run.peerBytes };
  } catch (error) {
    if (error instanceof SecurityError) await file.discard();
    throw error;
  } finally {
    if (options.swarm === undefined) await file.close(); // else the peer server still serves it
  }
}

type Job = { readonly index: number; readonly peer?: PeerView };

class PieceRun {
  originBytes = 0;
  peerBytes = 0;
  readonly #options: PieceFetchOptions;
  readonly #target: PieceTarget;
  readonly #file: PieceFile;
  readonly #inFlight = new Set<number>();
  readonly #busy = new Map<string, number>();
  readonly #dropped = new Set<string>();
  #origins = 0;
  #viewAt = 0;
  #view: readonly PeerView[] = [];
  #asking: Promise<void> | undefined;
  /** The first failure that ends the download; the other workers stop at their next pick. */
  #failed: Error | undefined;
  readonly #started = performance.now();
  /** Bytes asked of the origin so far (the cap paces requests before they are sent). */
  #asked = 0;

  constructor(options: PieceFetchOptions, target: PieceTarget, file: PieceFile) {
    this.#options = options;
    this.#target = target;
    this.#file = file;
  }

  async all(): Promise<void> {
    await Promise.all(Array.from({ length: WORKERS }, () => this.#worker()));
    if (this.#failed !== undefined) throw this.#failed;
  }

  async #worker(): Promise<void> {
    try {
      for (;;) {
        if (this.#failed !== undefined) return;
        const job = await this.#pick();
        if (job === 'done') return;
        if (job === 'wait') {
          await sleep(50);
          continue;
        }
        try {
          await (job.peer === undefined
            ? this.#fromOrigin(job.index)
            : this.#fromPeer(job.index, job.peer));
        } finally {
          this.#inFlight.delete(job.index);
        }
      }
    } catch (error) {
      this.#failed ??= error instanceof Error ? error : new Error(String(error));
    }
  }

  #missing(): number[] {
    const missing: number[] = [];
    for (let index = 0; index < this.#file.count; index++)
      if (!this.#file.held.has(index) && !this.#inFlight.has(index)) missing.push(index);
    return missing;
  }

  async #pick(): Promise<Job | 'done' | 'wait'> {
    const swarm = this.#options.swarm;
    if (swarm !== undefined) await this.#refreshView(swarm);
    const missing = this.#missing(); // after the await: no other worker took these meanwhile
    if (missing.length === 0) return this.#inFlight.size === 0 ? 'done' : 'wait';
    const job = this.#peerJob(missing) ?? this.#originJob(this.#heldByNoPeer(missing));
    if (job === undefined) return 'wait';
    this.#inFlight.add(job.index); // before any await: no other worker picks it too
    return job;
  }

  /** Every worker decides on the newest answer of the tracker, the first one included. */
  async #refreshView(swarm: PieceSwarm): Promise<void> {
    if (performance.now() - this.#viewAt > VIEW_REFRESH_MS) {
      this.#viewAt = performance.now();
      const sha256 = this.#target.info.hashes.sha256;
      this.#asking = swarm.peers(sha256, true).then(
        (view) => void (this.#view = view),
        () => undefined, // no answer: the last view stands
      );
    }
    await this.#asking;
  }

  /** The origin serves what no peer in the view holds; a piece a busy peer holds waits for it. */
  #heldByNoPeer(missing: readonly number[]): number[] {
    const peers = this.#view.filter((p) => !this.#dropped.has(p.deviceId));
    return missing.filter((index) => !peers.some((p) => p.have.has(index)));
  }

  #originJob(missing: readonly number[]): Job | undefined {
    const limit = this.#options.swarm === undefined ? WORKERS : ORIGIN_WORKERS_WITH_PEERS;
    if (missing.length === 0 || this.#origins >= limit) return undefined;
    this.#origins++; // counted here, released by #fromOrigin
    return { index: pickRandom(missing) };
  }

  /** A missing piece a usable peer holds, from a random such peer. */
  #peerJob(missing: readonly number[]): Job | undefined {
    const usable = this.#view.filter(
      (p) =>
        !this.#dropped.has(p.deviceId) && (this.#busy.get(p.deviceId) ?? 0) < PEER_REQUESTS_EACH,
    );
    const offered = missing.filter((index) => usable.some((p) => p.have.has(index)));
    if (offered.length === 0) return undefined;
    const index = pickRandom(offered);
    const peer = pickRandom(usable.filter((p) => p.have.has(index)));
    this.#busy.set(peer.deviceId, (this.#busy.get(peer.deviceId) ?? 0) + 1); // #fromPeer releases
    return { index, peer };
  }

  async #fromPeer(index: number, peer: PeerView): Promise<void> {
    const swarm = this.#options.swarm!;
    const sha256 = this.#target.info.hashes.sha256;
    const { length } = this.#file.span(index);
    try {
      const bytes = await swarm.fetchPiece(peer, sha256, index, length);
      if (bytes.length !== length)
        throw new PeerFailure('truncated', `${bytes.length} of ${length} bytes`);
      if (!isSignedPiece(this.#target.pieces, index, bytes))
        throw new PeerFailure('wrong-bytes', 'the piece does not match its signed hash');
      await this.#file.write(index, bytes);
      swarm.offer(this.#target.info.hashes.sha256, this.#file);
      this.peerBytes += bytes.length;
    } catch (error) {
      if (error instanceof PeerLacksPiece) peer.have.delete(index);
      else if (error instanceof PeerFailure) this.#drop(peer, index, error);
      else throw error;
    } finally {
      this.#busy.set(peer.deviceId, (this.#busy.get(peer.deviceId) ?? 1) - 1);
    }
  }

  #drop(peer: PeerView, index: number, failure: PeerFailure): void {
    if (this.#dropped.has(peer.deviceId)) return; // its other request failed too: reported once
    this.#dropped.add(peer.deviceId);
    this.#options.log(
      `${this.#target.path}: peer ${peer.deviceId} dropped (${failure.fault} on piece ${index}: ${failure.message})`,
    );
    this.#options.swarm?.report(
      this.#target.info.hashes.sha256,
      peer.deviceId,
      index,
      failure.fault,
    );
  }

  async #fromOrigin(index: number): Promise<void> {
    try {
      await this.#pace(this.#file.span(index).length);
      const bytes = await this.#originWithRetries(index);
      if (!isSignedPiece(this.#target.pieces, index, bytes))
        throw new SecurityError(
          'SECURITY_TARGET_MISMATCH',
          `piece ${index} of ${this.#target.path} from the origin does not match its signed hash`,
        );
      await this.#file.write(index, bytes);
      this.#options.swarm?.offer(this.#target.info.hashes.sha256, this.#file);
      crashPoint('piece-written');
      this.originBytes += bytes.length;
    } finally {
      this.#origins--;
    }
  }

  async #originWithRetries(index: number): Promise<Uint8Array> {
    const { attempts = DEFAULT_ATTEMPTS, baseDelayMs, timeoutMs = 60_000 } = this.#options;
    const { url, info } = this.#target;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetchOriginPiece(url, this.#file.span(index), info.length, timeoutMs);
      } catch (error) {
        if (!(error instanceof Transient)) throw error;
        if (attempt >= attempts)
          throw new PatchcastError(
            'SERVER_UNREACHABLE',
            `download of ${url} failed ${attempts} times: ${error.message}`,
            {
              hint: 'check the network path to the server; the next notice or restart tries again',
            },
          );
        const delay = backoffDelay(attempt, baseDelayMs);
        this.#options.log(
          `${url}: ${error.message}; piece ${index} again in ${Math.round(delay)} ms`,
        );
        await sleep(delay);
      }
    }
  }

  /** The origin cap: a request waits until the bytes asked so far fit the allowed rate. */
  async #pace(bytes: number): Promise<void> {
    const rate = this.#options.maxBytesPerSecond;
    if (rate === undefined || rate <= 0) return;
    const asked = this.#asked;
    this.#asked += bytes;
    const ahead = (asked / rate) * 1000 - (performance.now() - this.#started);
    if (ahead > 1) await sleep(ahead);
  }
}

function pickRandom<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
