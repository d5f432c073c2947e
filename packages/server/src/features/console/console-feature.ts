/** The operator console (ADR 0035): its pages and assets, sign-in sessions and live events. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';
import type { FailureCounter } from '../limits/limits.js';
import { defaultConsoleDir, loadConsoleAssets } from './console-assets.js';
import { consolePages } from './console-pages.js';
import type { ConsoleEvents } from './console-events.js';
import { eventsRoute } from './events-route.js';
import { sessionRoutes } from './session-routes.js';
import type { ConsoleSessions } from './sessions.js';

export interface ConsoleFeatureDeps {
  readonly sessions: ConsoleSessions;
  readonly events: ConsoleEvents;
  readonly failures: FailureCounter;
  readonly secure: boolean;
  readonly origins: readonly string[];
}

export async function consoleFeature(
  app: FastifyInstance,
  deps: AppDeps,
  feature: ConsoleFeatureDeps,
): Promise<void> {
  const setting = deps.config.console;
  const dir = setting === false ? undefined : (setting ?? defaultConsoleDir());
  const assets = dir === undefined ? undefined : await loadConsoleAssets(dir);
  if (setting !== false && assets === undefined)
    app.log.warn({ dir }, 'the console is not built: `npm run build` builds it');
  consolePages(app, assets);
  sessionRoutes(app, { ...feature, store: deps.store, now: deps.now });
  eventsRoute(app, feature.events);
  // Each checkpoint stored from now on: this node's, and on a cluster the others' it catches up with.
  const stopLog = deps.log.onCheckpoint(() => feature.events.emit('log'));
  app.addHook('onClose', () => {
    stopLog();
    feature.events.close();
  });
}
