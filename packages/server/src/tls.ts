/**
 * Transport security of the one listening port (ADR 0023): the certificate and key files, checked
 * before the data folder is touched and re-read on `reloadTls` (SIGHUP) without dropping
 * connections; and the rule that only loopback may be served without TLS unless the operator
 * says otherwise.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { PatchcastError } from '@patchcast/core';
import type { ServerConfig } from './config.js';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** Reads and checks the PEM pair (TLS_CERT_INVALID when unreadable, malformed or mismatched). */
export async function loadTlsMaterial(
  files: NonNullable<ServerConfig['tls']>,
): Promise<TlsMaterial> {
  const read = async (flag: string, path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw certInvalid(
        `${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  };
  const material = {
    cert: await read('--tls-cert', files.certFile),
    key: await read('--tls-key', files.keyFile),
  };
  try {
    createSecureContext(material);
  } catch (error) {
    throw certInvalid(
      `--tls-cert ${files.certFile} with --tls-key ${files.keyFile}: ${(error as Error).message}`,
    );
  }
  return material;
}

function certInvalid(message: string): PatchcastError {
  return new PatchcastError('TLS_CERT_INVALID', message, {
    hint: 'give a PEM certificate chain and its PEM private key (a lab pair: `patchcast tls init`)',
  });
}

/** A listen host reachable only from this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./i.test(host);
}

/**
 * Refuses plain HTTP on a non-loopback address unless `insecurePlainHttp` (TLS_REQUIRED); returns
 * the warning to print once when it is allowed anyway. `flag` names the address checked
 * (`--listen`, or `--metrics-listen` for the metrics port, which follows the same rule).
 */
export function checkTransport(
  config: Pick<ServerConfig, 'host' | 'tls' | 'insecurePlainHttp'>,
  flag = '--listen',
): string | undefined {
  if (config.tls !== undefined || isLoopback(config.host)) return undefined;
  const where = flag === '--listen' ? config.host : `${config.host} (${flag})`;
  const exposed = flag === '--listen' ? 'tokens and agent traffic' : 'fleet metrics';
  if (config.insecurePlainHttp !== true)
    throw new PatchcastError(
      'TLS_REQUIRED',
      `refusing to serve plain HTTP on ${where}: ${exposed} would cross the network unencrypted`,
      {
        hint: 'give --tls-cert FILE --tls-key FILE (a lab pair: `patchcast tls init --hosts NAMES --out DIR`), or --insecure-plain-http behind a TLS proxy',
      },
    );
  return `WARNING: serving plain HTTP on ${where} (--insecure-plain-http): ${flag === '--listen' ? 'API tokens and agent traffic are' : 'fleet metrics are'} readable on the network.`;
}
