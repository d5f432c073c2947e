import type { Store } from './storage/store.js';
import type { Bus } from './bus/bus.js';
import type { ArtifactStore } from './artifacts/artifact-store.js';
import type { RepositoryService } from './features/repository/repository-service.js';
import type { ServerConfig } from './config.js';
import type { TransparencyLog } from './features/log/transparency-log.js';
import type { ServerMetrics } from './features/metrics/server-metrics.js';
import type { DeviceCertificates } from './features/devices/device-certificates.js';

/** Everything the HTTP app needs, built by main.ts (the only place that makes real adapters). */
export interface AppDeps {
  readonly config: ServerConfig;
  readonly store: Store;
  readonly bus: Bus;
  readonly artifacts: ArtifactStore;
  readonly repository: RepositoryService;
  readonly log: TransparencyLog;
  readonly now: () => Date;
  readonly version: string;
  /** Set when this node is one of several (--bus nats://...): rollouts are driven under leases. */
  readonly clustered?: boolean;
  /** Where the app's metrics go; main.ts makes it first, to time the store and the bus too. */
  readonly metrics?: ServerMetrics;
  /** Device certificates and their CRL (ADR 0030); absent in tests that build a bare app. */
  readonly certificates?: DeviceCertificates;
}
