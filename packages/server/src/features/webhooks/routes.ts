/**
 * /api/v1/webhooks: admin adds and removes webhooks (each change a transparency-log entry naming
 * the token), operator lists them and reads their delivery log. Secrets are stored to sign with
 * and never answered. A destination is checked when added (destination.ts) and at every delivery.
 */
import type { FastifyInstance } from 'fastify';
import { PatchcastError } from '@patchcast/core';
import {
  WEBHOOK_ROUTES,
  createWebhookRequest,
  deliveriesQuery,
  secretKey,
} from '@patchcast/protocol';
import type { DeliveriesResponse, LogEventInput, WebhookInfo } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { WebhookRecord } from '../../storage/webhook-store.js';
import { newId } from '../auth/api-tokens.js';
import { pendingEntries } from '../log/log-events.js';
import { checkDestination, parseWebhookUrl } from './destination.js';
import type { Resolver } from './destination.js';

export function webhookInfo(record: WebhookRecord): WebhookInfo {
  const { id, url, events, allowPrivate, createdAt, createdBy } = record;
  return { id, url, events: [...events], allowPrivate, createdAt, createdBy };
}

const DEFAULT_DELIVERIES = 50;

/** `changed`: the set of webhooks changed on this node. */
export function webhookRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  resolve: Resolver,
  changed: () => void,
): void {
  const { store, log, now } = deps;

  app.post(WEBHOOK_ROUTES.webhooks, async (request) => {
    const body = createWebhookRequest.parse(request.body ?? {});
    const url = parseWebhookUrl(body.url);
    secretKey(body.secret);
    const allowPrivate = body.allowPrivate === true;
    await checkDestination(url, allowPrivate, resolve);
    const by = request.principal?.name ?? 'unknown';
    const record: WebhookRecord = {
      id: newId('wh'),
      url: url.toString(),
      events: [...new Set(body.events)],
      secret: body.secret,
      allowPrivate,
      createdAt: now().toISOString(),
      createdBy: by,
    };
    const added: LogEventInput = {
      type: 'operator-action',
      at: record.createdAt,
      by,
      action: 'webhook-added',
      target: `${record.id} ${url.origin} ${record.events.join(',')}${allowPrivate ? ' allow-private' : ''}`,
    };
    await store.webhooks.create(record, pendingEntries([added]));
    changed();
    await log.sequencePending();
    return webhookInfo(record);
  });

  app.get(WEBHOOK_ROUTES.webhooks, async () => ({
    webhooks: (await store.webhooks.list()).map(webhookInfo),
  }));

  app.delete<{ Params: { id: string } }>(WEBHOOK_ROUTES.webhook, async (request) => {
    const logged = (webhook: WebhookRecord) =>
      pendingEntries([
        {
          type: 'operator-action',
          at: now().toISOString(),
          by: request.principal?.name ?? 'unknown',
          action: 'webhook-removed',
          target: `${webhook.id} ${new URL(webhook.url).origin}`,
        },
      ]);
    const removed = await store.webhooks.remove(request.params.id, logged);
    if (removed === undefined) throw notFound(request.params.id);
    changed();
    await log.sequencePending();
    return webhookInfo(removed);
  });

  app.get<{ Params: { id: string } }>(
    WEBHOOK_ROUTES.deliveries,
    async (request): Promise<DeliveriesResponse> => {
      const limit = deliveriesQuery.parse(request.query ?? {}).limit ?? DEFAULT_DELIVERIES;
      const webhook = await store.webhooks.get(request.params.id);
      if (webhook === undefined) throw notFound(request.params.id);
      const deliveries = await store.webhooks.deliveries(webhook.id, limit);
      return {
        webhook: webhookInfo(webhook),
        deliveries: deliveries.map((d) => ({ ...d, log: [...d.log] })),
      };
    },
  );
}

function notFound(id: string): PatchcastError {
  return new PatchcastError('NOT_FOUND', `no webhook ${id}`, {
    hint: 'list webhooks with `patchcast webhook list`',
  });
}
