/**
 * The server's public origins: the URLs agents dial (`--public-url`, repeatable), else the address
 * it listens on. The agent channel accepts a device's answer only when it is signed for one of
 * them, so a server or proxy an agent dialled cannot relay the answer here (issue 13, item 4).
 */
import { PatchcastError } from '@patchcast/core';
import type { ServerConfig } from './config.js';
import { isLoopback } from './tls.js';

/** The public URLs and listen address of one port: the main one, or the agent port. */
export interface PortOrigins {
  readonly host: string;
  readonly publicUrls?: readonly string[] | undefined;
}

/** The agent port's origins (`--agent-listen`, `--agent-public-url`), if it has one. */
export function agentPortOrigins(config: ServerConfig): PortOrigins | undefined {
  if (config.agentListen === undefined) return undefined;
  return { host: config.agentListen.host, publicUrls: config.agentPublicUrls };
}

/**
 * Checks --public-url values (or --agent-public-url: `flags`); a wildcard listen address needs
 * them (CONFIG_INVALID).
 */
export function checkPublicUrls(
  config: PortOrigins,
  flags = { url: '--public-url', listen: '--listen' },
): void {
  for (const text of config.publicUrls ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search)
      throw new PatchcastError('USAGE', `${flags.url} "${text}" is not an http(s) origin`, {
        hint: `give the scheme, host and port agents dial, e.g. ${flags.url} https://patch.example.org:8443`,
      });
  }
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  if (wildcard && (config.publicUrls ?? []).length === 0)
    throw new PatchcastError(
      'CONFIG_INVALID',
      `${flags.listen} ${config.host} does not say which address agents dial, so no agent could authenticate`,
      {
        hint: `add ${flags.url} URL (repeatable) with each URL agents use, e.g. ${flags.url} https://patch.example.org:8443`,
      },
    );
}

/** The `host[:port]` audiences agents sign for (URL.host: default ports left out, as agents do). */
export function audiencesOf(config: PortOrigins, listenUrl: string): string[] {
  const given = config.publicUrls ?? [];
  if (given.length > 0) return [...new Set(given.map((u) => new URL(u).host))];
  const url = new URL(listenUrl);
  if (!isLoopback(config.host)) return [url.host];
  const port = url.port === '' ? '' : `:${url.port}`;
  return [...new Set([url.host, `localhost${port}`, `127.0.0.1${port}`, `[::1]${port}`])];
}
