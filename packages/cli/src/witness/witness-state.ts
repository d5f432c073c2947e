/**
 * What a witness remembers, one file per log in its state folder: the last checkpoint it cosigned,
 * as the log's note with the witness's cosignature appended. Named by the hex SHA-256 of the origin
 * (as C2SP tlog-witness names its monitoring URLs), written aside, synced, then renamed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpoint } from '@patchcast/core';
import type { Checkpoint, LogIdentity } from '@patchcast/core';
import { writeFileAtomic } from '../bundle/index.js';

export interface Remembered {
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

export function originHash(origin: string): string {
  return createHash('sha256').update(origin).digest('hex');
}

export class WitnessState {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async open(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  /** The stored note for the log with this origin hash, verbatim (undefined: never cosigned). */
  async note(hash: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    try {
      return await readFile(join(this.#dir, hash), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The last checkpoint cosigned for `log`, re-verified with the log's key. */
  async last(log: LogIdentity): Promise<Remembered | undefined> {
    const note = await this.note(originHash(log.origin));
    return note === undefined
      ? undefined
      : { note, checkpoint: openCheckpoint(note, log).checkpoint };
  }

  async save(origin: string, note: string): Promise<void> {
    await writeFileAtomic(
      join(this.#dir, originHash(origin)),
      new TextEncoder().encode(note),
      0o644,
    );
  }
}
