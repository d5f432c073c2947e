/**
 * Which certificate authorities this process trusts for HTTPS and WSS: the system's (Node's bundled
 * list, plus NODE_EXTRA_CA_CERTS) and, when the operator names one, a private CA (`--ca FILE` or
 * PATCHCAST_CA). The trust is process-wide, like NODE_EXTRA_CA_CERTS: the composition root (the
 * CLI) sets it once before the first connection, and every fetch and WebSocket of the process uses
 * it (ADR 0023).
 */
import { Agent, Pool, setGlobalDispatcher } from 'undici';
import { clientCertificateFor, onTrustChange, trustedCas } from './trust-state.js';

export { clientTlsOptions, presentClientCertificate, trustCaFile } from './trust-state.js';
export { tlsFailureOf } from './tls-failure.js';

/** Every fetch of the process: the trusted CAs, and the device certificate for its agent ports. */
function installDispatcher(): void {
  setGlobalDispatcher(
    new Agent({
      factory: (origin, options) =>
        new Pool(origin, {
          ...options,
          connect: { ...trustedCas(), ...clientCertificateFor(String(origin)) },
        }),
    }),
  );
}

onTrustChange(installDispatcher);
