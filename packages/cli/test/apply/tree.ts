/** Byte-for-byte views of a folder tree (type, permission bits, content or link target). */
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type TreeEntry =
  | string
  | { readonly content: string; readonly mode: number }
  | { readonly link: string }
  | { readonly dir: true };
export type Tree = Readonly<Record<string, TreeEntry>>;

export async function writeTree(root: string, tree: Tree): Promise<void> {
  for (const [path, entry] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    if (typeof entry === 'object' && 'dir' in entry) {
      await mkdir(file, { recursive: true });
      continue;
    }
    if (typeof entry === 'object' && 'link' in entry) {
      await symlink(entry.link, file);
      continue;
    }
    const { content, mode } = typeof entry === 'string' ? { content: entry, mode: 0o644 } : entry;
    await writeFile(file, content);
    await chmod(file, mode);
  }
}

/** Every entry under `dir`, relative, sorted; folders with their mode. */
export async function snapshot(dir: string, prefix = ''): Promise<string[]> {
  const lines: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const shown = `${prefix}${name}`;
    const stats = await lstat(path);
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) lines.push(`${shown} -> ${await readlink(path)}`);
    else if (stats.isDirectory())
      lines.push(`${shown}/ ${mode}`, ...(await snapshot(path, `${shown}/`)));
    else lines.push(`${shown} ${mode} ${(await readFile(path)).toString('base64')}`);
  }
  return lines;
}
