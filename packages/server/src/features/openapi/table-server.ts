/**
 * The route table's rows for the server itself: health, status, metrics, this description, API
 * tokens and webhooks.
 */
import { z } from 'zod';
import {
  METRICS_PATH,
  ROUTES,
  WEBHOOK_ROUTES,
  createTokenRequest,
  createTokenResponse,
  createWebhookRequest,
  deliveriesQuery,
  deliveriesResponse,
  healthResponse,
  statusResponse,
  tokenInfoSchema,
  tokensResponse,
  webhookInfoSchema,
  webhooksResponse,
} from '@patchcast/protocol';
import { AT, exampleTokenInfo, exampleVersions, exampleWebhook } from './examples.js';
import { json } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

const tag = 'server';

/** The description's own outline: an OpenAPI 3.1 document (the validator checks the rest). */
const openApiSchema = z.looseObject({
  openapi: z.string().regex(/^3\.1\./),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export const SERVER_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/healthz',
    tag,
    summary: 'Liveness: the server answers',
    response: json('Health', healthResponse, { ok: true }),
  },
  {
    method: 'GET',
    path: ROUTES.status,
    tag,
    summary: "The server's version, storage, bus, repository versions, fleet and log size",
    response: json('StatusResponse', statusResponse, {
      version: '0.1.0',
      uptimeSeconds: 86400,
      storage: 'sqlite',
      bus: 'memory',
      busHealth: { state: 'ok' },
      node: 'node-1',
      repository: exampleVersions,
      devices: { total: 12, online: 11 },
      rollouts: { total: 40, active: 1 },
      log: {
        origin: 'patchcast/9f86d081884c7d65',
        key: 'patchcast/9f86d081884c7d65+1a2b3c4d+AeSu',
        size: 1234,
      },
    }),
  },
  {
    method: 'GET',
    path: METRICS_PATH,
    tag,
    summary: 'Prometheus metrics in the text format (docs/operations.md "Metrics")',
    response: {
      mediaType: 'text/plain',
      description: 'The Prometheus text exposition format.',
      example: 'patchcast_connected_agents 11\n',
    },
  },
  {
    method: 'GET',
    path: ROUTES.openapi,
    tag,
    summary: 'This description of the API, OpenAPI 3.1 (docs/api.md renders it)',
    response: json('OpenApiDocument', openApiSchema, {
      openapi: '3.1.1',
      info: { title: 'Patchcast server', version: '0.1.0' },
      paths: {},
    }),
  },
  {
    method: 'POST',
    path: ROUTES.tokens,
    tag: 'tokens',
    summary: 'Make an API token (the secret is answered once and stored hashed)',
    body: json('CreateTokenRequest', createTokenRequest, {
      name: 'ci-pipeline',
      role: 'operator',
      expiresInSeconds: 7776000,
      devices: { labels: { env: 'staging' } },
    }),
    response: json('CreateTokenResponse', createTokenResponse, {
      id: exampleTokenInfo.id,
      token: 'pc_8Jd2kQ0vX7nL4sT1yR6wF3mB9cH5gZ2a',
      info: exampleTokenInfo,
    }),
    errors: ['CONFLICT'],
  },
  {
    method: 'GET',
    path: ROUTES.tokens,
    tag: 'tokens',
    summary: 'List API tokens, never their secrets',
    response: json('TokensResponse', tokensResponse, { tokens: [exampleTokenInfo] }),
  },
  {
    method: 'DELETE',
    path: ROUTES.token,
    tag: 'tokens',
    summary: 'Revoke an API token: its next request is refused',
    response: json('TokenInfo', tokenInfoSchema, {
      ...exampleTokenInfo,
      revokedAt: AT,
      state: 'revoked',
    }),
  },
  {
    method: 'POST',
    path: WEBHOOK_ROUTES.webhooks,
    tag: 'webhooks',
    summary: 'Add a webhook (docs/protocol/webhooks.md); its secret is never answered back',
    body: json('CreateWebhookRequest', createWebhookRequest, {
      url: exampleWebhook.url,
      events: exampleWebhook.events,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
    response: json('WebhookInfo', webhookInfoSchema, exampleWebhook),
    errors: ['WEBHOOK_DESTINATION_REFUSED', 'WEBHOOK_SECRET_INVALID'],
  },
  {
    method: 'GET',
    path: WEBHOOK_ROUTES.webhooks,
    tag: 'webhooks',
    summary: 'List webhooks, never their secrets',
    response: json('WebhooksResponse', webhooksResponse, { webhooks: [exampleWebhook] }),
  },
  {
    method: 'DELETE',
    path: WEBHOOK_ROUTES.webhook,
    tag: 'webhooks',
    summary: 'Remove a webhook',
    response: json('WebhookInfo', webhookInfoSchema, exampleWebhook),
  },
  {
    method: 'GET',
    path: WEBHOOK_ROUTES.deliveries,
    tag: 'webhooks',
    summary: "A webhook's newest deliveries and their attempts (default 50)",
    query: deliveriesQuery,
    response: json('DeliveriesResponse', deliveriesResponse, {
      webhook: exampleWebhook,
      deliveries: [
        {
          eventId: 'evt_2c71d9f0',
          type: 'rollout.completed',
          state: 'delivered',
          createdAt: AT,
          attempts: 1,
          nextAttemptAt: null,
          log: [{ attempt: 1, at: AT, statusCode: 204, error: null, durationMs: 41 }],
        },
      ],
    }),
  },
];
