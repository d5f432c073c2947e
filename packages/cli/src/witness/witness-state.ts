/**
 * What a witness remembers, one file per log in its state folder: the last checkpoint it cosigned,
 * as the log's note with the witness's cosignature appended. Named by the hex SHA-256 of the origin
 * (as C2SP tlog-witness names its monitoring URLs), written aside, synced, then renamed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCheckpoint, parseVerifierKey } from '@patchcast/core';
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

  /**
   * The log's identity with the keys it rotated to (ADR 0028), learned from transition
   * checkpoints this witness verified, kept in `<origin hash>.keys`, one verifier key a line.
   */
  async identity(log: LogIdentity): Promise<LogIdentity> {
    const text = await this.#read(`${originHash(log.origin)}.keys`);
    if (text === undefined) return log;
    const learned = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => parseVerifierKey(line));
    const known = (key: { name: string; keyId: number }) =>
      log.verifiers.some((v) => v.name === key.name && v.keyId === key.keyId);
    return {
      origin: log.origin,
      verifiers: [...log.verifiers, ...learned.filter((k) => !known(k))],
    };
  }

  async learnKey(origin: string, verifierKey: string): Promise<void> {
    const name = `${originHash(origin)}.keys`;
    const text = (await this.#read(name)) ?? '';
    if (text.split('\n').includes(verifierKey)) return;
    const bytes = new TextEncoder().encode(`${text}${verifierKey}\n`);
    await writeFileAtomic(join(this.#dir, name), bytes, 0o644);
  }

  async #read(name: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.#dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async save(origin: string, note: string): Promise<void> {
    await writeFileAtomic(
      join(this.#dir, originHash(origin)),
      new TextEncoder().encode(note),
      0o644,
    );
  }
}
