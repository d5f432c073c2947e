/**
 * The server URLs an agent dials: several nodes of one cluster. Given on the command line they
 * are kept in `<data>/servers.json`, so later starts without --server use the same list.
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import type { RepositoryOps } from '@patchcast/core';
import { guards as g, normalizeServerUrl } from '@patchcast/protocol/agent';
import { readJsonOptional, writeFileAtomic } from './files.js';
import type { LogOps } from './log/log-ops.js';
import type { EnrollOptions, Enrolled } from './enroll.js';

export const serversFileGuard = g.strictObject({
  servers: g.array(g.string(), { min: 1, max: 64 }),
});

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
  const parsed = serversFileGuard.safeParse(json);
  if (!parsed.success)
    throw new PatchcastError('CONFIG_INVALID', `${path} is malformed`, {
      hint: 'pass --server URL[,URL...] again, or delete the file',
    });
  return parseServers(parsed.data.servers);
}

/**
 * TUF repository reads from whichever node the agent is connected to now. The HTTP path is loaded
 * at the first read (an idle agent makes none).
 */
export function followingRepository(current: () => string): RepositoryOps {
  const ops = async () => (await import('./tuf-ops.js')).httpRepository(current());
  return {
    fetchMetadata: async (file, maxLength) => (await ops()).fetchMetadata(file, maxLength),
    fetchTarget: async (path, length) => (await ops()).fetchTarget(path, length),
  };
}

/** Log proofs from whichever node the agent is connected to now (HTTP loaded at first use). */
export function followingLogOps(current: () => string): LogOps {
  const ops = async () => (await import('./log/log-ops.js')).httpLogOps(current());
  return {
    publication: async (ref) => (await ops()).publication(ref),
    consistency: async (from, to) => (await ops()).consistency(from, to),
    verifierKey: async () => (await ops()).verifierKey(),
    keyTransitions: async () => (await (await ops()).keyTransitions?.()) ?? [],
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
  const { enroll } = await import('./enroll.js');
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
