/** A folder a package installer works in: a real folder under the root, reached through no link. */
import { PatchcastError } from '@patchcast/core/base';
import { lstatOrUndefined } from '../install/fs-util.js';
import { ancestorsOfPath, underRoot } from '../install/paths.js';
import { kindOf } from '../install/tree-inspector.js';

export async function managedFolder(
  root: string,
  path: string,
  missing: { readonly message: string; readonly hint: string },
): Promise<string> {
  for (const step of [...ancestorsOfPath(path), path]) {
    const kind = kindOf(await lstatOrUndefined(underRoot(root, step)));
    if (kind === 'symlink') {
      throw new PatchcastError('BUNDLE_PATH_UNSAFE', `"${step}" is a symbolic link in the root`);
    }
    if (kind !== 'dir') {
      throw new PatchcastError('INSTALL_FAILED', missing.message, { hint: missing.hint });
    }
  }
  return underRoot(root, path);
}
