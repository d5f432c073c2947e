/** The one boundary where an inventory document is checked: INVALID_INPUT names the field. */
import { PatchcastError } from '@patchcast/core';
import { packageInventorySchema } from './inventory-schema.js';
import type { PackageInventory } from './inventory-schema.js';

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number'
        ? `${out}[${key}]`
        : out === ''
          ? String(key)
          : `${out}.${String(key)}`,
    '',
  );
}

export function parsePackageInventory(value: unknown): PackageInventory {
  const result = packageInventorySchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${pathOf(issue.path)}`;
  throw new PatchcastError(
    'INVALID_INPUT',
    `Not a Patchcast inventory${where}: ${issue?.message ?? 'invalid'}.`,
    {
      hint: 'Produce it with the agent (see docs/protocol/inventory.md).',
    },
  );
}
