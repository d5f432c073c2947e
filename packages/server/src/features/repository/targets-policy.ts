/** What a publisher's new targets metadata may change: it may only add patch bundles. */
import { PatchcastError } from '@patchcast/core';
import type { Targets } from '@patchcast/core';
import { patchOfTargetPath } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';

interface PolicyDeps {
  readonly store: Store;
  readonly artifacts: ArtifactStore;
  readonly now: () => Date;
}

export async function checkTargetsUpdate(
  current: Targets,
  next: Targets,
  deps: PolicyDeps,
): Promise<void> {
  if (next.version !== current.version + 1) {
    throw new PatchcastError(
      'CONFLICT',
      `targets version ${next.version} does not follow the current version ${current.version}`,
      {
        hint: 'publish again: the CLI rebuilds on the newest targets metadata',
      },
    );
  }
  if (Date.parse(next.expires) <= deps.now().getTime()) {
    throw invalid(`targets metadata already expired at ${next.expires}`);
  }
  for (const [path, info] of Object.entries(current.targets)) {
    const now = next.targets[path];
    if (
      now === undefined ||
      now.length !== info.length ||
      now.hashes.sha256 !== info.hashes.sha256
    ) {
      throw new PatchcastError(
        'CONFLICT',
        `target ${path} is already published with other contents`,
        {
          hint: 'a published name@version never changes: publish a new version',
        },
      );
    }
  }
  for (const [path, info] of Object.entries(next.targets)) {
    if (current.targets[path] !== undefined) continue;
    if (patchOfTargetPath(path) === undefined)
      throw invalid(`target path ${path} is not <name>/<version>/bundle.tar`);
    const artifact = await deps.store.getArtifact(info.hashes.sha256);
    if (
      artifact === undefined ||
      artifact.length !== info.length ||
      !(await deps.artifacts.has(info.hashes.sha256))
    ) {
      throw invalid(
        `target ${path}: no uploaded artifact with sha256 ${info.hashes.sha256} and length ${info.length}`,
      );
    }
  }
}

function invalid(message: string): PatchcastError {
  return new PatchcastError('METADATA_INVALID', message);
}
