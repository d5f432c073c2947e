/**
 * A bounded in-memory cache of hot artifacts in front of the disk store. A rollout sends the same
 * artifact to the whole fleet within seconds, so every download after the first is served from one
 * shared Buffer: no file reads, one socket write per response, no copy per client.
 */
import { Readable } from 'node:stream';
import type { Readable as ReadableType } from 'node:stream';
import type { ArtifactStore, ByteRange, OpenArtifact } from './artifact-store.js';

/** A store that can also hand over a whole artifact at once. */
export interface ReadableArtifactStore extends ArtifactStore {
  /** The artifact's length in bytes, or undefined when absent. */
  length(sha256: string): Promise<number | undefined>;
  read(sha256: string): Promise<Buffer | undefined>;
}

export interface ArtifactCacheOptions {
  /** Total bytes kept in memory; 0 turns the cache off. */
  readonly capacityBytes: number;
  /** Larger artifacts are always streamed from disk (default: a quarter of the capacity). */
  readonly maxEntryBytes?: number;
}

export class CachedArtifactStore implements ArtifactStore {
  readonly #inner: ReadableArtifactStore;
  readonly #capacity: number;
  readonly #maxEntry: number;
  /** Least recently used first (Map keeps insertion order; a hit re-inserts). */
  readonly #entries = new Map<string, Buffer>();
  readonly #loading = new Map<string, Promise<Buffer | undefined>>();
  #bytes = 0;

  constructor(inner: ReadableArtifactStore, options: ArtifactCacheOptions) {
    this.#inner = inner;
    this.#capacity = options.capacityBytes;
    this.#maxEntry = Math.min(options.maxEntryBytes ?? this.#capacity / 4, this.#capacity);
  }

  put(sha256: string, body: ReadableType, maxLength: number): Promise<{ readonly length: number }> {
    return this.#inner.put(sha256, body, maxLength);
  }

  has(sha256: string): Promise<boolean> {
    return this.#entries.has(sha256) ? Promise.resolve(true) : this.#inner.has(sha256);
  }

  async open(sha256: string, range?: ByteRange): Promise<OpenArtifact | undefined> {
    const cached = this.#hit(sha256) ?? (await this.#load(sha256));
    if (cached === undefined) return this.#inner.open(sha256, range);
    const bytes = range === undefined ? cached : cached.subarray(range.start, range.end + 1);
    return { stream: Readable.from([bytes], { objectMode: false }), length: cached.length };
  }

  /** Bytes held now (for status and tests). */
  get bytes(): number {
    return this.#bytes;
  }

  #hit(sha256: string): Buffer | undefined {
    const buffer = this.#entries.get(sha256);
    if (buffer !== undefined) {
      this.#entries.delete(sha256);
      this.#entries.set(sha256, buffer);
    }
    return buffer;
  }

  /** Loads an artifact that fits; concurrent first downloads share one read. */
  async #load(sha256: string): Promise<Buffer | undefined> {
    if (this.#maxEntry <= 0) return undefined;
    const pending = this.#loading.get(sha256);
    if (pending !== undefined) return pending;
    const load = this.#readIfSmall(sha256).finally(() => this.#loading.delete(sha256));
    this.#loading.set(sha256, load);
    return load;
  }

  async #readIfSmall(sha256: string): Promise<Buffer | undefined> {
    const length = await this.#inner.length(sha256);
    if (length === undefined || length > this.#maxEntry) return undefined;
    const buffer = await this.#inner.read(sha256);
    if (buffer !== undefined) this.#insert(sha256, buffer);
    return buffer;
  }

  #insert(sha256: string, buffer: Buffer): void {
    if (this.#entries.has(sha256)) return;
    this.#entries.set(sha256, buffer);
    this.#bytes += buffer.length;
    for (const [key, old] of this.#entries) {
      if (this.#bytes <= this.#capacity) break;
      this.#entries.delete(key);
      this.#bytes -= old.length;
    }
  }
}
