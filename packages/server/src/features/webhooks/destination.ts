/**
 * Where a webhook may send (SSRF): http or https URLs whose host resolves only to public unicast
 * addresses. Private (RFC 1918, unique local), loopback, link-local, carrier-grade NAT, reserved
 * and other special ranges are refused unless the webhook was added with `--allow-private`. The
 * check runs when the webhook is added and again inside the connection's own DNS lookup at every
 * delivery, so a name that later resolves elsewhere (DNS rebinding) is refused on connect.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { PatchcastError } from '@patchcast/core';

/** Resolves a host name to every address it has (a fake in tests stands in for DNS). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/** Never a destination, even with --allow-private. */
const NEVER = new Set(['unspecified', 'multicast', 'broadcast']);

/** Why `address` is refused as a destination, or undefined when it is allowed. */
export function addressRefusal(address: string, allowPrivate: boolean): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  if (NEVER.has(range) || !allowPrivate) return range;
  return undefined;
}

export function destinationRefused(host: string, address: string, range: string): PatchcastError {
  const via = host === address ? address : `${host} resolves to ${address}`;
  return new PatchcastError(
    'WEBHOOK_DESTINATION_REFUSED',
    `webhook destination refused: ${via}, a ${range} address`,
  );
}

/** Parses a webhook URL: http or https, no credentials, no fragment; INVALID_INPUT otherwise. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PatchcastError('INVALID_INPUT', `"${text.slice(0, 200)}" is not a URL`, {
      hint: 'give the receiver as http(s)://HOST[:PORT]/PATH',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new PatchcastError(
      'INVALID_INPUT',
      `a webhook URL is http or https, not ${url.protocol}`,
    );
  if (url.username !== '' || url.password !== '' || url.hash !== '')
    throw new PatchcastError(
      'INVALID_INPUT',
      'a webhook URL carries no user name, password or #fragment',
      { hint: 'receivers authenticate deliveries by their signature (webhook-signature)' },
    );
  return url;
}

/** The URL's host as DNS and isIP see it (IPv6 without its brackets). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The check when a webhook is added: a literal address, or every address its name resolves to
 * now. A name that does not resolve yet is accepted: each delivery checks again.
 */
export async function checkDestination(
  url: URL,
  allowPrivate: boolean,
  resolve: Resolver,
): Promise<void> {
  const host = hostOf(url);
  const addresses =
    isIP(host) !== 0
      ? [{ address: host, family: isIP(host) }]
      : await resolve(host).catch(() => []);
  for (const { address } of addresses) {
    const range = addressRefusal(address, allowPrivate);
    if (range !== undefined) throw destinationRefused(host, address, range);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses the connection when any address of the name is
 * refused; the socket connects only to the addresses checked here.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = found.filter((a) => wanted === 0 || a.family === wanted);
        for (const { address } of addresses) {
          const range = addressRefusal(address, allowPrivate);
          if (range !== undefined)
            return callback(destinationRefused(hostname, address, range), '');
        }
        const first = addresses[0];
        if (first === undefined) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} does not resolve`);
          error.code = 'ENOTFOUND';
          return callback(error, '');
        }
        if (options.all === true) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
