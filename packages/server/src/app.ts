/** The fastify app factory: features as plugins, no listen() here (tests use inject()). */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import websocket from '@fastify/websocket';
import { MAX_FRAME_BYTES } from '@patchcast/protocol';
import { ZodError } from 'zod';
import { PatchcastError, httpStatusOf } from '@patchcast/core';
import type { AppDeps } from './app-deps.js';
import type { TlsMaterial } from './tls.js';
import { answerClientError, errorBody, toPatchcastError } from './http-errors.js';
import { repositoryRoutes } from './features/repository/routes.js';
import { deviceRoutes } from './features/devices/routes.js';
import { rolloutRoutes } from './features/rollouts/routes.js';
import { statusRoutes } from './features/status/routes.js';
import { AgentGateway } from './features/devices/agent-gateway.js';
import { RolloutService } from './features/rollouts/rollout-service.js';
import { logRoutes } from './features/log/log-routes.js';
import { SecurityEvents } from './features/log/security-events.js';
import { PeerFeature } from './features/peers/peer-feature.js';
import { VulnFeature } from './features/vulns/vuln-feature.js';
import { vulnRoutes } from './features/vulns/routes.js';
import { enforceRouteAccess } from './features/auth/route-access.js';
import { FailureCounter, installLimits } from './features/limits/limits.js';
import { tokenRoutes } from './features/auth/token-routes.js';
import { ServerMetrics } from './features/metrics/server-metrics.js';
import { metricsRoutes, stateSources } from './features/metrics/metrics-routes.js';
import { gatewayObserver } from './features/metrics/gateway-observer.js';
import { webhookFeature } from './features/webhooks/webhook-feature.js';
import { openApiRoutes } from './features/openapi/openapi-routes.js';
import { ConsoleSessions } from './features/console/sessions.js';
import { Presence } from './features/devices/presence.js';
import { consoleFeature } from './features/console/console-feature.js';
import { ConsoleEvents } from './features/console/console-events.js';
import { publicOrigins } from './features/console/session-auth.js';

export interface App {
  readonly fastify: FastifyInstance;
  readonly gateway: AgentGateway;
  readonly rollouts: RolloutService;
  readonly metrics: ServerMetrics;
  /** Every route registered, as `METHOD /pattern` (HEAD included): the API description's test. */
  readonly routes: readonly string[];
}

/** The agent's reconnect backoff tops out at 30 s: a device gone for less may come back alone. */
const OFFLINE_GRACE_SECONDS = 30;

/** `tls`: serve HTTPS and WSS with this certificate (tls.ts); absent: plain HTTP. */
export async function buildApp(deps: AppDeps, tls?: TlsMaterial): Promise<App> {
  const fastify = Fastify({
    ...(tls === undefined ? {} : { https: tls }),
    // JSON lines (pino) on stdout; a request's lines carry its reqId, sent back as x-request-id.
    logger: {
      level: deps.config.logLevel,
      base: { pid: process.pid, hostname: hostname(), node: deps.bus.nodeId },
    },
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    // Errors of the router itself (a malformed URL, a parameter over the length limit) answer
    // in the catalog's shape like every other refusal.
    frameworkErrors: (error, _request, reply) => {
      const status =
        error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400;
      const refusal = new PatchcastError(
        'INVALID_INPUT',
        `the URL is not acceptable: ${error.message}`.slice(0, 300),
      );
      void (reply as FastifyReply).status(status).send(errorBody(refusal));
    },
  });
  await fastify.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  fastify.decorateRequest('principal', undefined);
  const routes: string[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  const { limits } = deps.config;
  const failures = new FailureCounter(limits.authFailuresPerMinute);
  await installLimits(fastify, limits, failures);
  const sessions = new ConsoleSessions(deps.store.consoleSessions);
  const origins = publicOrigins(deps.config.publicUrls);
  enforceRouteAccess(fastify, { store: deps.store, now: deps.now, failures, sessions, origins });
  const metrics = deps.metrics ?? new ServerMetrics();
  metricsRoutes(fastify, metrics);
  // Artifact uploads stream straight to disk: keep the raw request stream unparsed.
  fastify.addContentTypeParser('application/octet-stream', (_request, _payload, done) =>
    done(null, undefined),
  );
  fastify.setErrorHandler((error, request, reply) => {
    const pe = error instanceof ZodError ? fromZod(error) : toPatchcastError(error);
    if (pe.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
    return reply.status(httpStatusOf(pe.code)).send(errorBody(pe));
  });
  fastify.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        errorBody(new PatchcastError('NOT_FOUND', `no route ${request.method} ${request.url}`)),
      ),
  );

  const events = new ConsoleEvents(deps);
  const graceMs = (deps.config.offlineGraceSeconds ?? OFFLINE_GRACE_SECONDS) * 1000;
  const rollouts = new RolloutService({
    ...deps,
    online: (deviceId): boolean => gateway.isOnline(deviceId),
    reconnecting: (deviceId): boolean => gateway.isReconnecting(deviceId, graceMs),
    onError: (error, rolloutId) => fastify.log.error({ err: error, rolloutId }, 'rollout driver'),
    onChange: (rolloutId) => events.emit('rollout', rolloutId),
  });
  const security = new SecurityEvents({
    log: deps.log,
    now: deps.now,
    onError: (error) => fastify.log.error({ err: error }, 'security event not logged'),
  });
  const vulns = new VulnFeature(deps);
  const peers = new PeerFeature({
    getDevice: (id) => deps.store.getDevice(id),
    online: (id) => gateway.isOnline(id),
    warn: (fields, message) => fastify.log.warn(fields, message),
  });
  const gateway: AgentGateway = new AgentGateway({
    ...deps,
    rollouts,
    security,
    inventory: vulns,
    peers,
    textLog: fastify.log,
    heartbeatMs: deps.config.heartbeatSeconds * 1000,
    messagesPerSecond: limits.agentMessagesPerSecond,
    observer: {
      ...gatewayObserver(metrics),
      presence: (id, online) => {
        presence.observe(id, online);
        events.emit('device', id);
      },
    },
  });
  const presence = new Presence({
    store: deps.store.presence,
    node: deps.bus.nodeId,
    now: deps.now,
    local: gateway,
    heartbeatMs: deps.config.heartbeatSeconds * 1000,
    textLog: fastify.log,
  });
  await presence.start();
  fastify.addHook('onClose', () => presence.stop());
  metrics.watch(stateSources({ ...deps, connectedAgents: () => gateway.onlineCount }));
  const { version, store, bus } = deps;
  metrics.buildInfo.set({ version, storage: store.kind, bus: bus.kind, node: bus.nodeId }, 1);
  fastify.addHook('onClose', () => gateway.close());
  fastify.addHook('onReady', () => rollouts.resumeAll());
  fastify.addHook('onClose', () => rollouts.driver.stop());
  repositoryRoutes(fastify, deps);
  deviceRoutes(fastify, deps, gateway, presence);
  rolloutRoutes(fastify, deps, rollouts);
  statusRoutes(fastify, deps, presence);
  logRoutes(fastify, deps.log);
  vulnRoutes(fastify, deps.store, vulns);
  tokenRoutes(fastify, deps);
  webhookFeature(fastify, deps);
  openApiRoutes(fastify, deps.version);
  const secure = tls !== undefined;
  await consoleFeature(fastify, deps, { sessions, events, failures, secure, origins });
  return { fastify, gateway, rollouts, metrics, routes };
}

function fromZod(error: ZodError): PatchcastError {
  const issue = error.issues[0];
  const where = issue?.path.join('.') || 'body';
  return new PatchcastError('INVALID_INPUT', `${where}: ${issue?.message ?? 'invalid'}`);
}
