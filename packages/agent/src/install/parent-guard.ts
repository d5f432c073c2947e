import { dirname } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { fsyncPath, lstatOrUndefined } from './fs-util.js';
import type { Journal } from './journal-model.js';
import { ancestorsOfPath, underRoot } from './paths.js';
import { kindOf } from './tree-inspector.js';

/**
 * Re-checks, just before each write, that every folder above the destination is a real folder:
 * a hook may have swapped one for a symbolic link since the plan was made.
 */
export class ParentGuard {
  readonly #root: string;
  readonly #checked = new Set<string>();

  constructor(root: string) {
    this.#root = root;
  }

  async check(path: string): Promise<void> {
    for (const dir of ancestorsOfPath(path)) {
      if (this.#checked.has(dir)) continue;
      const kind = kindOf(await lstatOrUndefined(underRoot(this.#root, dir)));
      if (kind === 'symlink') {
        throw new PatchcastError(
          'BUNDLE_PATH_UNSAFE',
          `"${dir}" became a symbolic link during the install`,
        );
      }
      if (kind !== 'dir') {
        throw new PatchcastError('INSTALL_FAILED', `"${dir}" is no longer a folder`);
      }
      this.#checked.add(dir);
    }
  }
}

/** fsyncs every existing folder whose entries the transaction may have changed. */
export async function syncTouchedFolders(journal: Journal): Promise<void> {
  const folders = new Set<string>([journal.root]);
  for (const action of journal.actions) folders.add(dirname(underRoot(journal.root, action.path)));
  for (const dir of journal.createdDirs) folders.add(dirname(underRoot(journal.root, dir)));
  for (const folder of folders) {
    if ((await lstatOrUndefined(folder))?.isDirectory() === true) await fsyncPath(folder);
  }
}
