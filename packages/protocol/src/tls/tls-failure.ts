/** A failed connection's TLS cause, as one clear error (fetch, node:https and ws alike). */
import { PatchcastError } from '@patchcast/core/base';

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
