/** Writes a bundle blob to a file, re-verifying its size and SHA-256, fsynced. */
import { open } from 'node:fs/promises';
import { PatchcastError, sha256Hex } from '@patchcast/core/base';
import type { BundleFileEntry, ParsedBundle } from '@patchcast/protocol';

export async function stageBlob(
  bundle: ParsedBundle,
  file: BundleFileEntry,
  target: string,
): Promise<void> {
  const data = bundle.blob(file.sha256);
  if (data.length !== file.size || sha256Hex(data) !== file.sha256) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `content of "${file.path}" changed after verification`,
    );
  }
  const handle = await open(target, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.chmod(file.mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
