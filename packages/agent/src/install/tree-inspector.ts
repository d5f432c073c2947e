import type { BigIntStats } from 'node:fs';
import { lstatOrUndefined } from './fs-util.js';
import type { OriginalFile } from './journal-model.js';
import { underRoot } from './paths.js';

export type NodeKind = 'missing' | 'file' | 'dir' | 'symlink' | 'special file';

/** lstat-only view of the managed root, cached per path; it never follows a link. */
export class TreeInspector {
  readonly #root: string;
  readonly #stats = new Map<string, BigIntStats | undefined>();

  constructor(root: string) {
    this.#root = root;
  }

  async kind(path: string): Promise<NodeKind> {
    return kindOf(await this.#lstat(path));
  }

  async original(path: string): Promise<OriginalFile> {
    const stats = await this.#lstat(path);
    if (stats === undefined) throw new Error(`${path} vanished`);
    return originalOf(stats);
  }

  async #lstat(path: string): Promise<BigIntStats | undefined> {
    if (!this.#stats.has(path))
      this.#stats.set(path, await lstatOrUndefined(underRoot(this.#root, path)));
    return this.#stats.get(path);
  }
}

export function kindOf(stats: BigIntStats | undefined): NodeKind {
  if (stats === undefined) return 'missing';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'dir';
  return stats.isFile() ? 'file' : 'special file';
}

export function originalOf(stats: BigIntStats): OriginalFile {
  const owner = {
    mode: Number(stats.mode & 0o7777n),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
  };
  return stats.isSymbolicLink() ? { type: 'symlink', ...owner } : owner;
}

/** The kind of node an original (as recorded in the journal) is. */
export function originalKind(original: OriginalFile): NodeKind {
  return original.type === 'symlink' ? 'symlink' : 'file';
}
