/**
 * The file a target is downloaded into, piece by piece, in any order (docs/protocol/peers.md §5):
 * `<data>/downloads/<sha256>.<length>.part`, each piece written at its offset. No record of which
 * pieces are there is kept beside it: after a restart a piece counts as held only when its bytes
 * in the file hash to the signed piece hash, so a crash mid-write costs that piece and nothing
 * is trusted that was not checked. A complete file is renamed `<sha256>.<length>` and kept (the
 * peer server serves it) until the next download of another target.
 */
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isSignedPiece, pieceSpan } from '@patchcast/protocol/peers';
import type { PieceList } from '@patchcast/protocol/peers';

export class PieceFile {
  readonly #dir: string;
  readonly #name: string;
  readonly length: number;
  readonly pieces: PieceList;
  readonly #handle: FileHandle;
  readonly #held = new Set<number>();
  #complete = false;

  private constructor(
    dir: string,
    name: string,
    length: number,
    pieces: PieceList,
    handle: FileHandle,
  ) {
    this.#dir = dir;
    this.#name = name;
    this.length = length;
    this.pieces = pieces;
    this.#handle = handle;
  }

  /** Opens (or continues) the download of target `sha256`; other targets' files are removed. */
  static async open(
    dir: string,
    sha256: string,
    length: number,
    pieces: PieceList,
  ): Promise<PieceFile> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = `${sha256}.${length}`;
    await discardOthers(dir, name);
    const done = await openExisting(join(dir, name));
    if (done !== undefined) {
      const file = new PieceFile(dir, name, length, pieces, done);
      file.#complete = true;
      await file.#checkHeld();
      if (file.held.size === file.count) return file;
      await file.discard(); // a kept file that no longer matches: download it again
    }
    const file = new PieceFile(
      dir,
      name,
      length,
      pieces,
      await openPart(join(dir, `${name}.part`)),
    );
    await file.#checkHeld();
    return file;
  }

  get count(): number {
    return this.pieces.sha256.length;
  }

  /** The pieces present and matching their signed hashes. */
  get held(): ReadonlySet<number> {
    return this.#held;
  }

  span(index: number): { readonly offset: number; readonly length: number } {
    return pieceSpan(this.length, this.pieces.size, index);
  }

  /** Writes a piece the caller checked against its signed hash. */
  async write(index: number, bytes: Uint8Array): Promise<void> {
    await this.#handle.write(bytes, 0, bytes.length, this.span(index).offset);
    this.#held.add(index);
  }

  /**
   * A held piece's bytes, for a peer. Not hashed again here: it was checked when written, and the
   * peer that receives it checks it against the signed hash in any case.
   */
  async read(index: number): Promise<Uint8Array | undefined> {
    if (!this.#held.has(index)) return undefined;
    const { offset, length } = this.span(index);
    const bytes = new Uint8Array(length);
    const { bytesRead } = await this.#handle.read(bytes, 0, length, offset);
    return bytesRead === length ? bytes : undefined;
  }

  /** The whole file, once every piece is held; renamed to its complete name. */
  async finish(): Promise<Uint8Array> {
    const bytes = new Uint8Array(this.length);
    await this.#handle.read(bytes, 0, this.length, 0);
    if (!this.#complete) {
      await this.#handle.sync();
      await rename(join(this.#dir, `${this.#name}.part`), join(this.#dir, this.#name));
      this.#complete = true;
    }
    return bytes;
  }

  /** Throws the file away (its whole hash did not match: only the origin is trusted next). */
  async discard(): Promise<void> {
    await this.close();
    await rm(join(this.#dir, this.#complete ? this.#name : `${this.#name}.part`), { force: true });
    this.#held.clear();
  }

  async close(): Promise<void> {
    await this.#handle.close().catch(() => undefined);
  }

  async #checkHeld(): Promise<void> {
    const size = (await this.#handle.stat()).size;
    if (size > this.length) await this.#handle.truncate(0);
    for (let index = 0; index < this.count; index++) {
      const { offset, length } = this.span(index);
      if (offset + length > size) continue;
      const bytes = new Uint8Array(length);
      await this.#handle.read(bytes, 0, length, offset);
      if (isSignedPiece(this.pieces, index, bytes)) this.#held.add(index);
    }
  }
}

async function openExisting(path: string): Promise<FileHandle | undefined> {
  return open(path, 'r').catch(() => undefined);
}

async function openPart(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return open(path, 'w+', 0o600);
  }
}

/** Partial or complete downloads of other targets are of no use any more. */
async function discardOthers(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name !== keep && name !== `${keep}.part` && /^[0-9a-f]{64}\.\d+(\.part)?$/.test(name))
      await rm(join(dir, name), { force: true });
  }
}
