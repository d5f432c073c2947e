import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { buildManifest, isValidPatchName, isValidPatchVersion } from '@patchcast/protocol';
import type { BundleInput } from '@patchcast/protocol';
import { readSourceConfig } from './source-config.js';
import { sourceInvalid } from './source-error.js';
import { readSourceTree } from './source-tree.js';

/**
 * Reads a patch source folder: `files/` mirrors what lands under the endpoint's managed root,
 * and the optional `patchcast.json` adds hooks, a health check, removals and fixes.
 */
export async function readPatchSource(
  dir: string,
  name: string,
  version: string,
): Promise<BundleInput> {
  checkRef(name, version);
  const filesDir = join(dir, 'files');
  await requireFolder(filesDir);
  const files = await readSourceTree(filesDir);
  const config = await readSourceConfig(join(dir, 'patchcast.json'));
  const input: BundleInput = { name, version, files, ...config };
  checkBundleRules(input, dir);
  return input;
}

function checkRef(name: string, version: string): void {
  if (!isValidPatchName(name)) {
    throw new PatchcastError('INVALID_INPUT', `invalid patch name "${name}"`, {
      hint: 'use lowercase letters, digits and . _ + - (at most 128, starting with a letter or digit)',
    });
  }
  if (!isValidPatchVersion(version)) {
    throw new PatchcastError('INVALID_INPUT', `invalid patch version "${version}"`, {
      hint: 'use letters, digits and . + ~ : _ - (at most 64, starting with a letter or digit)',
    });
  }
}

async function requireFolder(filesDir: string): Promise<void> {
  const hint = `create ${filesDir}/ holding the files exactly as they land under the managed root`;
  try {
    const stats = await lstat(filesDir);
    if (!stats.isDirectory()) throw sourceInvalid(`${filesDir} is not a folder`, hint);
  } catch (error) {
    if (error instanceof PatchcastError) throw error;
    throw sourceInvalid(`${filesDir} is missing or unreadable`, hint, error);
  }
}

function checkBundleRules(input: BundleInput, dir: string): void {
  try {
    buildManifest(input);
  } catch (error) {
    if (!(error instanceof PatchcastError)) throw error;
    throw sourceInvalid(`${dir}: ${error.message}`, error.hint, error);
  }
}
