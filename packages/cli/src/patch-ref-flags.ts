import { assertPatchRef, buildBundle } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import type { Invocation, Options } from './command.js';
import { requiredFlag } from './args.js';
import { readPatchSource } from './bundle/index.js';

export const PATCH_REF_OPTIONS: Options = { name: { type: 'string' }, version: { type: 'string' } };

/** The --name and --version flags, checked. */
export function patchRefFlags(invocation: Invocation): PatchRef {
  const ref = {
    name: requiredFlag(invocation, 'name', 'e.g. --name openssl-fix'),
    version: requiredFlag(invocation, 'version', 'e.g. --version 1.0.1'),
  };
  assertPatchRef(ref);
  return ref;
}

/** Builds the bundle of the patch source folder named by the one positional argument. */
export async function bundleFromSource(invocation: Invocation, ref: PatchRef): Promise<Uint8Array> {
  return buildBundle(await readPatchSource(invocation.positionals[0] ?? '', ref.name, ref.version));
}
