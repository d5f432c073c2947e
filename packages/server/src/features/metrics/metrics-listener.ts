/**
 * `--metrics-listen HOST:PORT`: the metrics alone on a second address, without a token, for a
 * Prometheus that should hold no API token. It follows the main port's transport rule (tls.ts):
 * TLS with the same certificate when the server has one, plain HTTP only on loopback unless
 * --insecure-plain-http. Checked before the data folder is touched, like --listen.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Server as TlsServer } from 'node:tls';
import { METRICS_PATH } from '@patchcast/protocol';
import type { ServerConfig } from '../../config.js';
import { checkAddressFree, listenError } from '../../listen.js';
import { checkTransport } from '../../tls.js';
import type { TlsMaterial } from '../../tls.js';
import type { ServerMetrics } from './server-metrics.js';

const FLAG = '--metrics-listen';

export interface MetricsListener {
  readonly url: string;
  setSecureContext(material: TlsMaterial): void;
  close(): Promise<void>;
}

/** The transport rule and a free address; returns the warning to print for allowed plain HTTP. */
export async function checkMetricsListen(config: ServerConfig): Promise<string | undefined> {
  if (config.metricsListen === undefined) return undefined;
  const warning = checkTransport({ ...config, host: config.metricsListen.host }, FLAG);
  await checkAddressFree(config.metricsListen, FLAG);
  return warning;
}

export async function startMetricsListener(
  metrics: ServerMetrics,
  address: NonNullable<ServerConfig['metricsListen']>,
  tls: TlsMaterial | undefined,
): Promise<MetricsListener> {
  const app: FastifyInstance = Fastify({
    ...(tls === undefined ? {} : { https: tls }),
    logger: false,
    forceCloseConnections: true,
  });
  app.get(METRICS_PATH, async (_request, reply) => {
    const text = await metrics.text();
    return reply.header('content-type', metrics.contentType).send(text);
  });
  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (error) {
    await app.close();
    throw listenError(address, error, FLAG);
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${host}:${port}${METRICS_PATH}`,
    setSecureContext: (material) => (app.server as unknown as TlsServer).setSecureContext(material),
    close: () => app.close(),
  };
}
