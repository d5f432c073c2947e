import type { Readable } from 'node:stream';

/** Content-addressed artifact storage: blobs are named by their SHA-256 and never change. */
export interface ArtifactStore {
  /**
   * Streams `body` into storage, hashing as it goes. Nothing becomes visible unless the whole body
   * arrived, is at most `maxLength` bytes, and hashes to `sha256`.
   */
  put(sha256: string, body: Readable, maxLength: number): Promise<{ readonly length: number }>;
  has(sha256: string): Promise<boolean>;
  /**
   * The artifact's bytes, or only `range` of them (inclusive offsets, already checked against the
   * length by the caller); `length` is always the whole artifact's. Undefined when absent.
   */
  open(sha256: string, range?: ByteRange): Promise<OpenArtifact | undefined>;
}

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface OpenArtifact {
  readonly stream: Readable;
  readonly length: number;
}
