import type { Readable } from 'node:stream';

/** Content-addressed artifact storage: blobs are named by their SHA-256 and never change. */
export interface ArtifactStore {
  /**
   * Streams `body` into storage, hashing as it goes. Nothing becomes visible unless the whole body
   * arrived, is at most `maxLength` bytes, and hashes to `sha256`.
   */
  put(sha256: string, body: Readable, maxLength: number): Promise<{ readonly length: number }>;
  has(sha256: string): Promise<boolean>;
  open(sha256: string): Promise<{ readonly stream: Readable; readonly length: number } | undefined>;
}
