/**
 * The agent listener (`--agent-listen`, ADR 0030): a second HTTPS port that serves only what
 * agents use (the channel, /tuf/, /log/, /healthz) and only to clients that present a valid,
 * unrevoked device certificate. The handshake itself refuses everyone else: `requestCert` with
 * `rejectUnauthorized` against the device CA, and the CRL of revoked devices' certificates,
 * installed again whenever a device is revoked, removed or re-keyed on any node.
 *
 * Requests it accepts are handed to the same fastify app as the main port, marked with the peer
 * certificate, so the routes, limits and hooks are one.
 */
import { createServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { PatchcastError } from '@patchcast/core';
import { AGENT_CHANNEL_PATH } from '@patchcast/protocol';
import type { App } from './app.js';
import type { TlsMaterial } from './tls.js';
import type { ServerConfig } from './config.js';
import { errorBody } from './http-errors.js';
import { listenError } from './listen.js';
import { markPeer, peerCertificateOf } from './features/devices/device-certificates.js';
import type { DeviceCertificates } from './features/devices/device-certificates.js';

/** What agents use; everything else (the management API, enrollment) stays on the main port. */
function forAgents(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0] ?? '';
  return (
    path === AGENT_CHANNEL_PATH ||
    path === '/healthz' ||
    path.startsWith('/tuf/') ||
    path.startsWith('/log/')
  );
}

export interface AgentListener {
  readonly url: string;
  /** Serves new handshakes with a new server certificate (SIGHUP), keeping the CRL. */
  reload(material: TlsMaterial): void;
  close(): Promise<void>;
}

export async function startAgentListener(
  app: App,
  options: {
    readonly address: { readonly host: string; readonly port: number };
    readonly tls: TlsMaterial;
    readonly certificates: DeviceCertificates;
    readonly deviceCa: string;
  },
): Promise<AgentListener> {
  let material = options.tls;
  let crl = await options.certificates.crl();
  const context = () => ({ ...material, ca: options.deviceCa, crl });
  const server: Server = createServer({
    ...context(),
    requestCert: true,
    rejectUnauthorized: true,
  });
  const unwatch = options.certificates.watchCrl((next) => {
    crl = next;
    (server as unknown as TlsServer).setSecureContext(context());
  });
  const mark = (request: IncomingMessage): boolean => {
    if (!forAgents(request.url)) return false;
    try {
      markPeer(request, peerCertificateOf((request.socket as TLSSocket).getPeerCertificate().raw));
      return true;
    } catch {
      return false; // signed by the device CA, yet no device key: nothing an agent would send
    }
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (mark(request)) return app.fastify.routing(request, response);
    const refusal = new PatchcastError('NOT_FOUND', `the agent port serves agents only`, {
      hint: 'use the main port (the server URL) for the API and enrollment',
    });
    response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(errorBody(refusal)));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (mark(request)) app.fastify.server.emit('upgrade', request, socket, head);
    else socket.destroy();
  });
  const { host, port } = options.address;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, resolve);
    });
  } catch (error) {
    unwatch();
    throw listenError({ host, port }, error, '--agent-listen');
  }
  const bound = server.address();
  const actualPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    reload(next) {
      material = next;
      (server as unknown as TlsServer).setSecureContext(context());
    },
    close: async () => {
      unwatch();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The agent port when `--agent-listen` is given (it needs TLS, checked at start). */
export async function startAgentPort(
  app: App,
  config: ServerConfig,
  tls: TlsMaterial | undefined,
  certificates: DeviceCertificates,
  deviceCa: string,
): Promise<AgentListener | undefined> {
  if (config.agentListen === undefined || tls === undefined) return undefined;
  return startAgentListener(app, { address: config.agentListen, tls, certificates, deviceCa });
}
