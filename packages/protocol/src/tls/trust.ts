/**
 * Which certificate authorities this process trusts for HTTPS and WSS: the system's (Node's bundled
 * list, plus NODE_EXTRA_CA_CERTS) and, when the operator names one, a private CA (`--ca FILE` or
 * PATCHCAST_CA). The trust is process-wide, like NODE_EXTRA_CA_CERTS: the composition root (the
 * CLI) sets it once before the first connection, and every fetch and WebSocket of the process uses
 * it (ADR 0023).
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, Pool, setGlobalDispatcher } from 'undici';
import { PatchcastError } from '@patchcast/core';

let extraCas: readonly string[] = [];
/** The device certificate an agent presents, and the origins (its agent ports) it presents it to. */
let client: { readonly origins: ReadonlySet<string>; readonly cert: string; readonly key: string } =
  { origins: new Set(), cert: '', key: '' };

function trusted(): { ca?: string[] } {
  return extraCas.length === 0 ? {} : { ca: [...rootCertificates, ...extraCas] };
}

function presentsTo(url: string): boolean {
  try {
    return client.origins.has(new URL(url.replace(/^ws/, 'http')).origin);
  } catch {
    return false;
  }
}

/** Every fetch of the process: the trusted CAs, and the device certificate for its agent ports. */
function installDispatcher(): void {
  setGlobalDispatcher(
    new Agent({
      factory: (origin, options) =>
        new Pool(origin, {
          ...options,
          connect: {
            ...trusted(),
            ...(presentsTo(String(origin)) ? { cert: client.cert, key: client.key } : {}),
          },
        }),
    }),
  );
}

/**
 * Presents `cert` (PEM) with `key` (PEM) to the servers at `urls` from now on, in fetches and
 * WebSockets (an agent's device certificate for the servers' agent ports, ADR 0030).
 */
export function presentClientCertificate(urls: readonly string[], cert: string, key: string): void {
  client = { origins: new Set(urls.map((url) => new URL(url).origin)), cert, key };
  installDispatcher();
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
  installDispatcher();
}

/** TLS options for a WebSocket (`ws`) client of this process to `url`: the same as fetch. */
export function clientTlsOptions(url = ''): { ca?: string[]; cert?: string; key?: string } {
  return { ...trusted(), ...(presentsTo(url) ? { cert: client.cert, key: client.key } : {}) };
}

function caInvalid(path: string, why: string): PatchcastError {
  return new PatchcastError('TLS_CA_INVALID', `--ca ${path}: ${why}`, {
    hint: 'give the PEM file of the CA that signed the server certificate (`patchcast tls init` writes DIR/ca.pem)',
  });
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The TLS failure inside a failed connection to `server`, as one clear error, or undefined when the
 * failure was not about TLS: an untrusted or wrong certificate (TLS_UNTRUSTED), or https:// to a
 * plain HTTP server.
 */
export function tlsFailureOf(error: unknown, server: string): PatchcastError | undefined {
  const cause = findCode(error);
  if (cause === undefined) return undefined;
  if (UNTRUSTED.has(cause.code))
    return new PatchcastError(
      'TLS_UNTRUSTED',
      `the certificate of ${server} is not trusted: ${cause.code}: ${cause.message}`,
      {
        hint:
          cause.code === 'ERR_TLS_CERT_ALTNAME_INVALID'
            ? 'use a server name the certificate lists (patchcast tls init --hosts), or reissue it'
            : 'pass --ca FILE (or set PATCHCAST_CA) with the CA that signed the server certificate',
      },
    );
  if (
    cause.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    cause.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG'
  )
    return new PatchcastError('SERVER_UNREACHABLE', `${server} does not speak TLS`, {
      hint: 'the server listens without TLS: use an http:// URL, or start it with --tls-cert and --tls-key',
    });
  return undefined;
}

function findCode(error: unknown): { code: string; message: string } | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && (UNTRUSTED.has(code) || code.startsWith('ERR_SSL')))
      return { code, message: e.message };
  }
  return undefined;
}
