/**
 * The server URLs an agent dials: several nodes of one cluster. Given on the command line they
 * are kept in `<data>/servers.json`, so later starts without --server use the same list.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core';
import type { RepositoryOps } from '@patchcast/core';
import { normalizeServerUrl } from '@patchcast/protocol';
import { readJsonOptional, writeFileAtomic } from './files.js';
import { httpRepository } from './tuf-ops.js';
import { httpLogOps } from './log/log-ops.js';
import type { LogOps } from './log/log-ops.js';
import { enroll } from './enroll.js';
import type { EnrollOptions, Enrolled } from './enroll.js';

const serversFile = z.strictObject({ servers: z.array(z.string()).min(1).max(64) });

export function serversPath(dataDir: string): string {
  return join(dataDir, 'servers.json');
}

/** Splits `--server` values on commas; each URL is checked and normalised. */
export function parseServers(values: readonly string[]): string[] {
  const urls = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  return [...new Set(urls.filter((v) => v !== '').map(normalizeServerUrl))];
}

/** The given list (then stored), else the stored list, else the URL the agent enrolled with. */
export async function resolveServers(
  dataDir: string,
  given: readonly string[],
  enrolled: string,
): Promise<string[]> {
  const path = serversPath(dataDir);
  if (given.length > 0) {
    const servers = parseServers(given);
    await writeFileAtomic(path, `${JSON.stringify({ servers }, null, 2)}\n`, 0o600);
    return servers;
  }
  const json = await readJsonOptional(path).catch((error: unknown) => {
    throw new PatchcastError('CONFIG_INVALID', `cannot read ${path}: ${(error as Error).message}`);
  });
  if (json === undefined) return [enrolled];
  const parsed = serversFile.safeParse(json);
  if (!parsed.success)
    throw new PatchcastError('CONFIG_INVALID', `${path} is malformed`, {
      hint: 'pass --server URL[,URL...] again, or delete the file',
    });
  return parseServers(parsed.data.servers);
}

/** TUF repository reads from whichever node the agent is connected to now. */
export function followingRepository(current: () => string): RepositoryOps {
  return {
    fetchMetadata: (file, maxLength) => httpRepository(current()).fetchMetadata(file, maxLength),
    fetchTarget: (path, length) => httpRepository(current()).fetchTarget(path, length),
  };
}

/** Log proofs from whichever node the agent is connected to now. */
export function followingLogOps(current: () => string): LogOps {
  return {
    publication: (ref) => httpLogOps(current()).publication(ref),
    consistency: (from, to) => httpLogOps(current()).consistency(from, to),
    verifierKey: () => httpLogOps(current()).verifierKey(),
    keyTransitions: () => httpLogOps(current()).keyTransitions?.() ?? Promise.resolve([]),
  };
}

/**
 * Enrolls at the first server that answers. A server that cannot be reached is skipped: the
 * token is spent only by a server that received the request.
 */
export async function enrollAtAny(
  servers: readonly string[],
  options: Omit<EnrollOptions, 'server'>,
): Promise<Enrolled> {
  let unreachable: PatchcastError | undefined;
  for (const server of servers) {
    try {
      return await enroll({ ...options, server });
    } catch (error) {
      if (!(error instanceof PatchcastError) || error.code !== 'SERVER_UNREACHABLE') throw error;
      options.log(`cannot enroll at ${server} (${error.message}); trying the next server`);
      unreachable = error;
    }
  }
  throw unreachable ?? new PatchcastError('USAGE', 'no server URL to enroll at');
}
