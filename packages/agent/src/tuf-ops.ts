/** The agent's adapters for the core TUF updater: HTTP for the repository, files for trust. */
import { join } from 'node:path';
import { unlink } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core/base';
import type { LocalRole, RepositoryOps, TrustedStoreOps } from '@patchcast/core';
import { fetchBounded } from './http-fetch.js';
import { readOptional, writeFileAtomic } from './files.js';

export function httpRepository(server: string): RepositoryOps {
  return {
    async fetchMetadata(file, maxLength) {
      return (await fetchBounded(`${server}/tuf/metadata/${file}`, maxLength))?.bytes ?? null;
    },
    async fetchTarget(path, length) {
      const result = await fetchBounded(`${server}/tuf/targets/${path}`, length);
      if (result === null)
        throw new PatchcastError('NOT_FOUND', `the repository has no target file ${path}`);
      return result.bytes;
    },
  };
}

export function trustedMetadataDir(dataDir: string): string {
  return join(dataDir, 'tuf');
}

export function fileTrustStore(dataDir: string): TrustedStoreOps {
  const path = (role: LocalRole) => join(trustedMetadataDir(dataDir), `${role}.json`);
  return {
    load: (role) => readOptional(path(role)),
    save: (role, bytes) => writeFileAtomic(path(role), bytes, 0o644),
    remove: (role) => unlink(path(role)).catch(() => undefined),
  };
}
