/**
 * The repository and the log as an offline bundle holds them: the same RepositoryOps and LogOps
 * the online agent reads over HTTP, answered from the bundle's members. Nothing here decides
 * trust; the core Updater and the LogChecker verify what these return exactly as they verify
 * HTTP answers.
 */
import { PatchcastError, SecurityError, consistencyProof } from '@patchcast/core';
import type { RepositoryOps } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol/agent';
import type { OfflineBundle } from '@patchcast/protocol';
import type { LogOps } from '../log/log-ops.js';

export function offlineRepository(bundle: OfflineBundle): RepositoryOps {
  return {
    fetchMetadata(file, maxLength) {
      const bytes = bundle.metadata.get(file) ?? null;
      return Promise.resolve(bytes === null ? null : within(bytes, maxLength, file));
    },
    /** The bundle carries one target; the updater asks for it by its signed path and hash. */
    fetchTarget(path, length) {
      return Promise.resolve(within(bundle.target, length, path));
    },
  };
}

export function offlineLogOps(bundle: OfflineBundle): LogOps {
  return {
    publication(ref) {
      const same = ref.name === bundle.ref.name && ref.version === bundle.ref.version;
      return Promise.resolve(same ? bundle.publication : null);
    },
    /** Computed from the bundle's leaf hashes; checkExtends verifies it against both signed roots. */
    consistency(from, to) {
      const have = bundle.leafHashes.length;
      if (to > have) {
        throw new SecurityError(
          'SECURITY_PROOF_INVALID',
          `the bundle's log covers ${have} entries; proving the agent's checkpoint of ${to} needs more`,
          { hint: `export ${formatPatchRef(bundle.ref)} again: the agent has seen a newer log` },
        );
      }
      return Promise.resolve(consistencyProof(bundle.leafHashes, from, to));
    },
    verifierKey() {
      throw new PatchcastError('USAGE', 'no log key is pinned and none was given', {
        hint: 'pass --log-key KEY (`patchcast status --json` on the server: log.key)',
      });
    },
  };
}

function within(bytes: Uint8Array, max: number, what: string): Uint8Array {
  if (bytes.length > max) {
    throw new SecurityError(
      'SECURITY_LENGTH_EXCEEDED',
      `${what} in the bundle has ${bytes.length} bytes; trusted metadata allows ${max}`,
    );
  }
  return bytes;
}
