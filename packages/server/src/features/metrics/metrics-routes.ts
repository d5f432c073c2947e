/**
 * `GET /metrics` (viewer role, ROUTE_ACCESS) in the Prometheus text format, and the HTTP request
 * histogram: labelled by the route's pattern (`/api/v1/rollouts/:id`), never the raw URL, so one
 * series per route, method and status code however many ids clients ask for.
 */
import type { FastifyInstance } from 'fastify';
import { AGENT_CHANNEL_PATH, METRICS_PATH, parseLogEntry } from '@patchcast/protocol';
import type { Store } from '../../storage/store.js';
import type { TransparencyLog } from '../log/transparency-log.js';
import type { ServerMetrics, StateSources } from './server-metrics.js';

/** The label of a request no route matched (404s of unknown paths). */
const UNMATCHED = 'unmatched';

export function metricsRoutes(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    // The agent channel is a long-lived WebSocket, counted by patchcast_connected_agents.
    if (route !== AGENT_CHANNEL_PATH) {
      const labels = { route, method: request.method, status_code: String(reply.statusCode) };
      metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    }
    done();
  });
  app.get(METRICS_PATH, async (_request, reply) => {
    const text = await metrics.text();
    return reply.header('content-type', metrics.contentType).send(text);
  });
}

/** The scrape-time gauges' view of this node: its gateway, the store and the log it serves. */
export function stateSources(deps: {
  readonly store: Store;
  readonly log: TransparencyLog;
  readonly now: () => Date;
  readonly connectedAgents: () => number;
}): StateSources {
  const { store, log } = deps;
  return {
    connectedAgents: deps.connectedAgents,
    now: deps.now,
    rolloutCounts: () => store.rolloutStateCounts(),
    logSize: () => log.checkpoint.size,
    newestEntryAt: async () => {
      const size = log.checkpoint.size;
      if (size === 0) return undefined;
      const [newest] = await store.log.entries(size - 1, size);
      const at = newest === undefined ? undefined : parseLogEntry(newest.leaf)?.at;
      return at === undefined ? undefined : new Date(at);
    },
  };
}
