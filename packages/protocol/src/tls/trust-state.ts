/**
 * Which certificate authorities this process trusts for HTTPS and WSS: the system's (Node's bundled
 * list, plus NODE_EXTRA_CA_CERTS) and, when the operator names one, a private CA (`--ca FILE` or
 * PATCHCAST_CA). The trust is process-wide, like NODE_EXTRA_CA_CERTS: the composition root (the
 * CLI) sets it once before the first connection, and every fetch and WebSocket of the process uses
 * it (ADR 0023).
 *
 * This file holds that trust and gives it to `ws` and node:http clients; `trust.ts` also installs it
 * as the dispatcher of every fetch, once loaded (it brings undici, which the idle agent does not
 * need: it loads the fetch path only when it first uses it).
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { PatchcastError } from '@patchcast/core/base';

let extraCas: readonly string[] = [];
/** The device certificate an agent presents, and the origins (its agent ports) it presents it to. */
let client: { readonly origins: ReadonlySet<string>; readonly cert: string; readonly key: string } =
  { origins: new Set(), cert: '', key: '' };
const listeners: (() => void)[] = [];

/** Calls `listener` whenever the trust changes (and now, when some is set already). */
export function onTrustChange(listener: () => void): void {
  listeners.push(listener);
  if (extraCas.length > 0 || client.origins.size > 0) listener();
}

function changed(): void {
  for (const listener of listeners) listener();
}

/** The CA list to pass as `ca` (absent: the system's). */
export function trustedCas(): { ca?: string[] } {
  return extraCas.length === 0 ? {} : { ca: [...rootCertificates, ...extraCas] };
}

/** The device certificate and key presented to `url`'s origin, if any. */
export function clientCertificateFor(url: string): { cert?: string; key?: string } {
  return presentsTo(url) ? { cert: client.cert, key: client.key } : {};
}

function presentsTo(url: string): boolean {
  try {
    return client.origins.has(new URL(url.replace(/^ws/, 'http')).origin);
  } catch {
    return false;
  }
}

/**
 * Presents `cert` (PEM) with `key` (PEM) to the servers at `urls` from now on, in fetches and
 * WebSockets (an agent's device certificate for the servers' agent ports, ADR 0030).
 */
export function presentClientCertificate(urls: readonly string[], cert: string, key: string): void {
  client = { origins: new Set(urls.map((url) => new URL(url).origin)), cert, key };
  changed();
}

/** Reads a PEM file of one or more CA certificates and trusts them from now on (TLS_CA_INVALID). */
export async function trustCaFile(path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw caInvalid(
      path,
      `cannot read it: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const certificates =
    text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw caInvalid(path, 'it holds no PEM certificate');
  for (const pem of certificates) {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw caInvalid(path, `a certificate in it does not parse: ${(error as Error).message}`);
    }
  }
  extraCas = certificates;
  changed();
}

/** TLS options for a WebSocket (`ws`) or node:https client of this process to `url`: as fetch. */
export function clientTlsOptions(url = ''): { ca?: string[]; cert?: string; key?: string } {
  return { ...trustedCas(), ...clientCertificateFor(url) };
}

function caInvalid(path: string, why: string): PatchcastError {
  return new PatchcastError('TLS_CA_INVALID', `--ca ${path}: ${why}`, {
    hint: 'give the PEM file of the CA that signed the server certificate (`patchcast tls init` writes DIR/ca.pem)',
  });
}
