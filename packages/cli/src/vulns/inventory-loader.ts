/** Reads an inventory document (docs/protocol/inventory.md) from a file. */
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';
import { parsePackageInventory } from '@patchcast/protocol';
import type { PackageInventory } from '@patchcast/protocol';

export async function loadInventory(path: string): Promise<PackageInventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PatchcastError(
      'NOT_FOUND',
      `inventory ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: 'check the path, and that the file is readable' },
    );
  }
  try {
    const value: unknown = JSON.parse(text);
    return parsePackageInventory(value);
  } catch (error) {
    const message =
      error instanceof PatchcastError ? error.message : `not JSON (${(error as Error).message})`;
    throw new PatchcastError('INVALID_INPUT', `${path}: ${message}`, {
      hint: 'An inventory is the JSON document the agent collects (docs/protocol/inventory.md).',
    });
  }
}
