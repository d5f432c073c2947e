/**
 * The webhooks feature (ADR 0026): its routes, this node's dispatcher (started when the app is
 * ready, stopped on close), and the log.checkpoint events, queued after each stored checkpoint
 * while some webhook subscribes to them.
 */
import type { FastifyInstance } from 'fastify';
import type { WebhookEventType } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import { DEFAULT_RETRY } from './backoff.js';
import { systemResolver } from './destination.js';
import { WebhookDispatcher } from './dispatcher.js';
import type { WebhookSettings } from './dispatcher.js';
import { webhookRoutes } from './routes.js';
import { logCheckpoint } from './webhook-events.js';

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  ...DEFAULT_RETRY,
  timeoutMs: 10_000,
  pollMs: 1000,
  batch: 32,
};

/** How often the node re-reads which event types some webhook wants (other nodes add them too). */
const SUBSCRIPTIONS_MS = 2000;
/** Delivered and failed events are kept this long for `webhook deliveries`, then dropped. */
export const DELIVERY_LOG_DAYS = 30;
const PRUNE_MS = 3600_000;

export function webhookFeature(app: FastifyInstance, deps: AppDeps): WebhookDispatcher {
  const { store, log, now } = deps;
  const onError = (error: unknown) => app.log.error({ err: error }, 'webhooks');
  const dispatcher = new WebhookDispatcher({
    store: store.webhooks,
    holder: deps.bus.nodeId,
    settings: { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.config.webhooks },
    resolve: systemResolver,
    now,
    random: Math.random,
    userAgent: `Patchcast-Webhooks/${deps.version}`,
    onError,
  });
  let subscribed = new Set<WebhookEventType>();
  const refresh = async () => {
    subscribed = new Set((await store.webhooks.list()).flatMap((w) => w.events));
  };
  const timer = setInterval(() => void refresh().catch(onError), SUBSCRIPTIONS_MS);
  timer.unref();
  const prune = () => {
    const before = new Date(now().getTime() - DELIVERY_LOG_DAYS * 86_400_000).toISOString();
    void store.webhooks.prune(before).catch(onError);
  };
  const pruner = setInterval(prune, PRUNE_MS);
  pruner.unref();
  const unlisten = log.onCheckpoint((checkpoint) => {
    if (!subscribed.has('log.checkpoint')) return;
    void store.webhooks
      .enqueue([logCheckpoint(checkpoint, now().toISOString())])
      .then(() => dispatcher.wake(), onError);
  });
  app.addHook('onReady', async () => {
    await refresh();
    prune();
    dispatcher.start();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    clearInterval(pruner);
    unlisten();
    await dispatcher.stop();
  });
  webhookRoutes(app, deps, systemResolver, () => void refresh().catch(onError));
  return dispatcher;
}
