/**
 * The log's side of C2SP tlog-witness for one witness: submits checkpoints with a consistency
 * proof from the size the witness last cosigned, follows a 409's size, and keeps the newest
 * cosignature. Failures are retried in the background; they never block the log.
 */
import {
  formatAddCheckpoint,
  parseCheckpoint,
  parseCosignatureLines,
  parseNote,
  verifyCosignatures,
} from '@patchcast/core';
import type { CosignatureVerifier, NoteSignature } from '@patchcast/core';
import type { CheckpointRecord } from '../../storage/store.js';
import type { TreeView } from './transparency-log.js';

export interface WitnessEndpoint {
  /** The witness's submission prefix, e.g. http://witness.example:8090 */
  readonly url: string;
  readonly verifier: CosignatureVerifier;
}

/** HTTP for the witness client (a fake in tests). */
export interface WitnessTransport {
  post(url: string, body: string): Promise<{ status: number; body: string }>;
}

export interface WitnessClientDeps {
  readonly endpoint: WitnessEndpoint;
  readonly tree: TreeView;
  readonly transport: WitnessTransport;
  /** A cosignature of the checkpoint of `size` was obtained. */
  readonly onCosigned: (size: number, cosignature: NoteSignature) => void;
  readonly print: (line: string) => void;
  readonly retry?: { readonly firstMs: number; readonly maxMs: number };
  /** The log's key transition checkpoints (ADR 0028): a witness behind one is sent it first. */
  readonly transitions?: () => readonly string[];
}

/** A 409 is followed at most this many times per attempt (another submitter may race us). */
const MAX_CONFLICTS = 3;
const DEFAULT_RETRY = { firstMs: 1000, maxMs: 30_000 };
/** While a witness fails, new checkpoints try it at most this often. */
const MIN_GAP_MS = 1000;

type Attempt = { ok: true } | { ok: false; reason: string };

export class WitnessClient {
  readonly #deps: WitnessClientDeps;
  /** The size the witness last cosigned, as far as we know (0 until it tells us). */
  #witnessSize = 0;
  #wanted: CheckpointRecord | undefined;
  /** The largest checkpoint size this witness cosigned for us. */
  #cosigned = -1;
  /** The largest checkpoint size an attempt ended for (cosigned or not). */
  #attempted = -1;
  #running = false;
  #failing = false;
  #failedAt = 0;
  #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #waiters: { size: number; resolve: () => void }[] = [];

  constructor(deps: WitnessClientDeps) {
    this.#deps = deps;
    this.#delayMs = (deps.retry ?? DEFAULT_RETRY).firstMs;
  }

  get name(): string {
    return this.#deps.endpoint.verifier.name;
  }

  /**
   * Asks for a cosignature of `checkpoint` (replacing any older one still waiting): now, or, while
   * the witness fails, at most once a second besides the background retries.
   */
  submit(checkpoint: CheckpointRecord): void {
    if (this.#closed || (this.#wanted !== undefined && checkpoint.size < this.#wanted.size)) return;
    this.#wanted = checkpoint;
    if (!this.#failing || Date.now() - this.#failedAt >= MIN_GAP_MS) void this.#run();
  }

  /**
   * Resolves once an attempt for a checkpoint of at least `size` ended (cosigned or failed),
   * making that attempt now if none is under way.
   */
  attempted(size: number): Promise<void> {
    if (this.#attempted >= size || this.#closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiters.push({ size, resolve }));
    void this.#run();
    return done;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#settle(Number.MAX_SAFE_INTEGER);
  }

  async #run(): Promise<void> {
    if (this.#running || this.#closed) return;
    this.#running = true;
    try {
      for (let round = 0; round < 1000; round += 1) {
        const wanted = this.#wanted;
        if (wanted === undefined || wanted.size <= this.#cosigned || this.#closed) return;
        const attempt = await this.#attempt(wanted);
        this.#settle(wanted.size);
        if (!attempt.ok) return this.#retryLater(attempt.reason);
        this.#cosigned = wanted.size;
        this.#recovered();
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * ADR 0028: a witness that trusts the old key learns the new one only from the transition
   * checkpoint, so one between the witness's size and `checkpoint` is submitted first.
   */
  async #attempt(checkpoint: CheckpointRecord): Promise<Attempt> {
    for (let steps = 0; steps < 64; steps += 1) {
      const transition = this.#transitionAfter(this.#witnessSize, checkpoint.size);
      if (transition === undefined) return this.#submit(checkpoint);
      const attempt = await this.#submit(transition);
      if (!attempt.ok) return attempt;
    }
    return { ok: false, reason: 'too many key transitions to catch up with' };
  }

  #transitionAfter(from: number, to: number): CheckpointRecord | undefined {
    for (const note of this.#deps.transitions?.() ?? []) {
      const size = parseCheckpoint(parseNote(note).text).size;
      if (size > from && size < to) return { size, note };
    }
    return undefined;
  }

  async #submit(checkpoint: CheckpointRecord): Promise<Attempt> {
    for (let conflicts = 0; conflicts <= MAX_CONFLICTS; conflicts += 1) {
      const from = this.#witnessSize;
      // A witness ahead of this log is still asked: it is the judge (and answers 400).
      const proof =
        from === 0 || from >= checkpoint.size
          ? []
          : this.#deps.tree.consistencyProof(from, checkpoint.size);
      const body = formatAddCheckpoint({ oldSize: from, proof, checkpoint: checkpoint.note });
      let answer;
      try {
        answer = await this.#deps.transport.post(`${this.#deps.endpoint.url}/add-checkpoint`, body);
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
      if (answer.status === 409 && /^[0-9]{1,16}\n$/.test(answer.body)) {
        this.#witnessSize = Number(answer.body.trim());
        continue;
      }
      if (answer.status !== 200) {
        return { ok: false, reason: `HTTP ${answer.status}: ${answer.body.split('\n')[0] ?? ''}` };
      }
      return this.#accept(checkpoint, answer.body);
    }
    return { ok: false, reason: 'its size kept changing (another submitter?)' };
  }

  /** C2SP tlog-witness: the response lines, appended to the note, must hold its cosignature. */
  #accept(checkpoint: CheckpointRecord, body: string): Attempt {
    try {
      const text = parseNote(checkpoint.note).text;
      const lines = parseCosignatureLines(checkpoint.note, body);
      const verifier = this.#deps.endpoint.verifier;
      if (verifyCosignatures(text, lines, [verifier]).length === 0) {
        return { ok: false, reason: 'its answer holds no cosignature by its key' };
      }
      const own = lines.find((l) => l.name === verifier.name && l.keyId === verifier.keyId);
      this.#witnessSize = parseCheckpoint(text).size;
      this.#deps.onCosigned(checkpoint.size, own as NoteSignature);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  #settle(size: number): void {
    this.#attempted = Math.max(this.#attempted, size);
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.size <= this.#attempted) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }

  #retryLater(reason: string): void {
    const { print, retry = DEFAULT_RETRY } = this.#deps;
    if (!this.#failing)
      print(`WARNING: witness ${this.name} did not cosign: ${reason}; retrying in the background`);
    this.#failing = true;
    this.#failedAt = Date.now();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), this.#delayMs);
    this.#timer.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, retry.maxMs);
  }

  #recovered(): void {
    if (this.#failing) this.#deps.print(`witness ${this.name} cosigns again`);
    this.#failing = false;
    this.#delayMs = (this.#deps.retry ?? DEFAULT_RETRY).firstMs;
  }
}

/** The real transport: fetch, 10 s per request, answers of at most 64 KiB read. */
export const fetchWitnessTransport: WitnessTransport = {
  async post(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text.slice(0, 65_536) };
  },
};
