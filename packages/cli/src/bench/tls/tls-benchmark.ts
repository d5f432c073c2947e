/**
 * `patchcast bench tls`: what device certificates cost (ADR 0030). Full handshakes per second on
 * loopback against a server-authenticated TLS port (the baseline, measured in the same run), the
 * agent port's mutual TLS with an empty CRL, and with a CRL of 10,000 revoked serials; and how
 * long the device CA takes to sign that CRL and a TLS context takes to load it (what every
 * revocation costs each node).
 */
import { createServer, connect, createSecureContext } from 'node:tls';
import type { SecureContextOptions, Server } from 'node:tls';
import { ed25519PrivateKeyPem, generateEd25519 } from '@patchcast/core';
import type { BenchContext, BenchReport, Benchmark } from '../benchmark.js';

const SECONDS = 2;
const REVOKED = 10_000;
const CONCURRENCY = 4;

interface Client {
  readonly cert?: string;
  readonly key?: string;
}

/** Handshakes completed per second: each connection reads the server's one byte, then ends. */
async function handshakesPerSecond(
  options: SecureContextOptions & { requestCert?: boolean },
  ca: string,
  client: Client,
): Promise<number> {
  const server: Server = createServer({ ...options, rejectUnauthorized: true }, (socket) =>
    socket.end('k'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca, ...client, servername: '127.0.0.1' });
      socket.once('data', () => socket.end());
      socket.once('end', resolve);
      socket.once('error', reject);
    });
  const end = performance.now() + SECONDS * 1000;
  let count = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await once();
      count++;
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    server.close();
  }
  return Math.round(count / SECONDS);
}

export const tlsBenchmark: Benchmark = {
  name: 'tls',
  summary: 'handshakes per second: server-only TLS vs the agent port’s mutual TLS (with a CRL)',
  async run(context: BenchContext): Promise<BenchReport> {
    const server = await import('@patchcast/server');
    const now = new Date();
    const pki = await server.createLabPki({ hosts: ['127.0.0.1'], days: 1, now });
    const { ca: deviceCa } = await server.ensureDeviceCa(context.tmpDir, now);
    const pair = generateEd25519();
    const issued = await server.issueDeviceCertificate(deviceCa, 'dev_bench', pair.publicHex, now);
    const device = { cert: issued.certificate, key: ed25519PrivateKeyPem(pair) };
    const tls = { cert: pki.serverCert, key: pki.serverKey };
    context.progress(`tls: signing a CRL of ${REVOKED} serials`);
    const serials = Array.from(
      { length: REVOKED },
      (_, i) => `7${(i + 1).toString(16).padStart(31, '0')}`,
    );
    let start = performance.now();
    const bigCrl = server.deviceCrl(deviceCa, serials, now);
    const crlSignMs = performance.now() - start;
    start = performance.now();
    createSecureContext({ ...tls, ca: deviceCa.certificate, crl: bigCrl });
    const crlLoadMs = performance.now() - start;
    const emptyCrl = server.deviceCrl(deviceCa, [], now);
    const mutual = (crl: string) => ({
      ...tls,
      ca: deviceCa.certificate,
      crl,
      requestCert: true,
    });
    context.progress(`tls: handshakes for ${SECONDS} s each (server-only, mutual, mutual + CRL)`);
    const serverOnly = await handshakesPerSecond(tls, pki.caCert, {});
    const mutualEmpty = await handshakesPerSecond(mutual(emptyCrl), pki.caCert, device);
    const mutualRevoked = await handshakesPerSecond(mutual(bigCrl), pki.caCert, device);
    const ratio = (a: number, b: number) => (b === 0 ? null : Number((a / b).toFixed(2)));
    const slowdown = ratio(serverOnly, mutualRevoked);
    return {
      figures: {
        serverOnlyHandshakesPerSecond: serverOnly,
        mutualHandshakesPerSecond: mutualEmpty,
        mutualWithCrlHandshakesPerSecond: mutualRevoked,
        serverOnlyVsMutualWithCrlRatio: slowdown,
        crlSerials: REVOKED,
        crlBytes: bigCrl.length,
        crlSignMs: Math.round(crlSignMs),
        crlLoadMs: Math.round(crlLoadMs),
      },
      targets: [
        {
          target: `mutual TLS with a ${REVOKED}-serial CRL within 2x of server-only TLS handshakes`,
          measured: `${slowdown ?? '?'}x (${mutualRevoked}/s vs ${serverOnly}/s)`,
          met: slowdown === null ? undefined : slowdown <= 2,
        },
      ],
      notes: [
        `Loopback, ${CONCURRENCY} connections at a time, each a full TLS 1.3 handshake and one byte.`,
        'The agent port reloads its CRL on every revocation: crlSignMs + crlLoadMs is that cost.',
      ],
      sections: [],
      complete: true,
    };
  },
};
