/** Patches a benchmark publishes: built in memory, signed with the server's development targets key. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildBundle, readKeyFile } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import { publishBundle } from '../publishing.js';
import type { PublishResult } from '../publishing.js';
import type { ServerProcess } from './server-process.js';

export function smallBundle(ref: PatchRef): Uint8Array {
  const content = new TextEncoder().encode(`benchmark patch ${ref.name}@${ref.version}\n`);
  return buildBundle({ ...ref, files: [{ path: 'etc/bench/motd', mode: 0o644, content }] });
}

/** A bundle of about `bytes` bytes: one file of random content (nothing to gain from compression). */
export function sizedBundle(ref: PatchRef, bytes: number): Uint8Array {
  const content = new Uint8Array(randomBytes(bytes));
  return buildBundle({ ...ref, files: [{ path: 'opt/bench/blob.bin', mode: 0o644, content }] });
}

export async function publishPatch(
  server: ServerProcess,
  ref: PatchRef,
  bundle: Uint8Array,
): Promise<PublishResult> {
  const { signers } = await readKeyFile(join(server.dataDir, 'keys', 'targets.key'));
  return publishBundle({ client: server.client, signers, ref, bundle });
}
