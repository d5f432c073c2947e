/**
 * The simulated agents' adapters for the core TUF updater: bounded HTTP GETs over a shared
 * keep-alive pool (so thousands of agents in one process do not open thousands of sockets), and
 * trusted metadata kept in memory instead of files.
 */
import { get } from 'node:http';
import type { Agent, IncomingMessage } from 'node:http';
import { PatchcastError, SecurityError } from '@patchcast/core';
import type { LocalRole, RepositoryOps, TrustedStoreOps } from '@patchcast/core';

export interface HttpPool {
  readonly agent: Agent;
  readonly localAddress: string;
}

export function httpRepositoryOps(server: string, pool: HttpPool): RepositoryOps {
  return {
    fetchMetadata: (file, maxLength) =>
      getBounded(`${server}/tuf/metadata/${file}`, maxLength, pool),
    async fetchTarget(path, length) {
      const bytes = await getBounded(`${server}/tuf/targets/${path}`, length, pool);
      if (bytes === null) throw new PatchcastError('NOT_FOUND', `no target file ${path}`);
      return bytes;
    },
  };
}

export function memoryTrustStore(root: Uint8Array): TrustedStoreOps {
  const files = new Map<LocalRole, Uint8Array>([['root', root]]);
  return {
    load: (role) => Promise.resolve(files.get(role) ?? null),
    save: (role, bytes) => Promise.resolve(void files.set(role, bytes)),
    remove: (role) => Promise.resolve(void files.delete(role)),
  };
}

function getBounded(url: string, maxLength: number, pool: HttpPool): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: pool.agent, localAddress: pool.localAddress }, (response) =>
      readBody(response, url, maxLength).then(resolve, reject),
    );
    request.setTimeout(120_000, () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', (error) =>
      reject(new PatchcastError('SERVER_UNREACHABLE', `GET ${url}: ${error.message}`)),
    );
  });
}

async function readBody(
  response: IncomingMessage,
  url: string,
  maxLength: number,
): Promise<Uint8Array | null> {
  const status = response.statusCode ?? 0;
  if (status === 404 || status < 200 || status >= 300) {
    response.resume();
    if (status === 404) return null;
    throw new PatchcastError('SERVER_ERROR', `GET ${url} answered HTTP ${status}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxLength)
      throw new SecurityError(
        'SECURITY_LENGTH_EXCEEDED',
        `${url} is longer than ${maxLength} bytes`,
      );
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
