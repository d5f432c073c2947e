/** Shared by `patchcast export` and `patchcast bundle --server`: write a verifiable offline bundle. */
import { readFile } from 'node:fs/promises';
import { PatchcastError, sha256Hex } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol';
import type { PatchRef } from '@patchcast/protocol';
import type { Invocation } from './command.js';
import { boolFlag, stringFlag } from './args.js';
import { printJson, serverOf } from './context.js';
import { writeFileAtomic } from './bundle/index.js';

export const EXPORT_HELP = `  --server URL         the server the patch was published to (default: $PATCHCAST_SERVER or
                       http://127.0.0.1:8080); only its public /tuf/ and /log/ routes are read
  --token TOKEN        accepted for symmetry with other commands; export needs none
  --ca FILE            also trust this CA (PEM) for an https:// server (default: $PATCHCAST_CA)
  --trusted-root FILE  a root.json trusted out of band to start verifying from (default: the
                       server's 1.root.json)`;

/**
 * Exports `ref` from the server into `out`. With `expectSha256` (a bundle just built from a
 * source folder) the signed target must be exactly those bytes.
 */
export async function exportTo(
  invocation: Invocation,
  ref: PatchRef,
  out: string,
  expectSha256?: string,
): Promise<number> {
  const { exportOfflineBundle } = await import('@patchcast/agent');
  const rootFile = stringFlag(invocation, 'trusted-root');
  const trustedRoot = rootFile === undefined ? undefined : new Uint8Array(await readFile(rootFile));
  const server = serverOf(invocation);
  const exported = await exportOfflineBundle({ server, ref, trustedRoot });
  if (expectSha256 !== undefined && exported.sha256 !== expectSha256) {
    throw new PatchcastError(
      'CONFLICT',
      `${formatPatchRef(ref)} on ${server} is not the bundle this folder builds (signed sha256 ${exported.sha256}, built ${expectSha256})`,
      { hint: 'publish this folder as a new version, or `patchcast export` what was published' },
    );
  }
  await writeFileAtomic(out, exported.bytes, 0o644);
  const result = {
    file: out,
    patch: ref,
    length: exported.bytes.length,
    sha256: sha256Hex(exported.bytes),
    target: { sha256: exported.sha256, length: exported.length },
    rootVersion: exported.rootVersion,
    logSize: exported.logSize,
  };
  if (boolFlag(invocation, 'json')) printJson(invocation, result);
  else
    invocation.io.out(
      `wrote ${out}: offline bundle of ${formatPatchRef(ref)} (${result.length} bytes; signed target sha256 ${exported.sha256}; roots 1 to ${exported.rootVersion}; log of ${exported.logSize} entries)\n`,
    );
  return 0;
}
