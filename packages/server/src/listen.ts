/**
 * Listening on the configured address. `checkAddressFree` runs before the server touches its data
 * folder, so a start on a taken port fails without creating files or printing a token.
 */
import { createServer } from 'node:net';
import { PatchcastError } from '@patchcast/core';
import type { App } from './app.js';
import type { ServerConfig } from './config.js';

/** Binds the address and lets it go again; throws ADDRESS_IN_USE or LISTEN_FAILED. */
export async function checkAddressFree(
  config: Pick<ServerConfig, 'host' | 'port'>,
  flag = '--listen',
): Promise<void> {
  if (config.port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host: config.host, port: config.port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenError(config, error, flag);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

export async function listen(app: App, config: ServerConfig): Promise<string> {
  const scheme = config.tls === undefined ? 'http' : 'https';
  try {
    await app.fastify.listen({ host: config.host, port: config.port });
  } catch (error) {
    throw listenError(config, error);
  }
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${scheme}://${host}:${port}`;
}

export function listenError(
  config: Pick<ServerConfig, 'host' | 'port'>,
  error: unknown,
  flag = '--listen',
): PatchcastError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new PatchcastError('ADDRESS_IN_USE', `another process already listens on ${where}`, {
      hint: `stop it, or pick another address with ${flag} HOST:PORT`,
      cause: error,
    });
  }
  return new PatchcastError(
    'LISTEN_FAILED',
    `cannot listen on ${where}: ${code ?? (error as Error).message}`,
    {
      hint:
        code === 'EACCES'
          ? `ports below 1024 need privileges; pick another with ${flag} HOST:PORT`
          : `check ${flag}: HOST must be an address of this machine`,
      cause: error,
    },
  );
}
