import { DEFAULT_LIMITS } from './features/limits/limits.js';
import type { LimitsConfig } from './features/limits/limits.js';
import type { WebhookSettings } from './features/webhooks/dispatcher.js';

/** Server configuration with its defaults. Durations in seconds. */
export interface ServerConfig {
  readonly dataDir: string;
  /** The built console's folder (ADR 0035); absent: @patchcast/console's dist/; false: none. */
  readonly console?: string | false | undefined;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  readonly heartbeatSeconds: number;
  /** A device disconnected for less than this is taken to be reconnecting, not offline (ADR 0016). */
  readonly offlineGraceSeconds?: number;
  readonly maxArtifactBytes: number;
  /** PostgreSQL URL shared by every node; undefined: SQLite in `<dataDir>/patchcast.db`. */
  readonly db: string | undefined;
  /** Connections each node keeps open to PostgreSQL. */
  readonly dbPoolSize: number;
  /** Where artifacts live; several nodes may share one folder (default `<dataDir>/artifacts`). */
  readonly artifactsDir: string | undefined;
  /** Hot artifacts kept in memory for downloads (0: always stream from disk). */
  readonly artifactCacheBytes: number;
  /** `memory` (one node) or `nats://HOST:PORT` (several nodes; bus/open-bus.ts). */
  readonly bus: string;
  /** This node's name among several; absent: kept in `<data>/node-id` (NATS) or `<hostname>-<port>`. */
  readonly nodeId?: string | undefined;
  /** How long a node's lease on a rollout lasts without renewal (cluster/, ADR 0014). */
  readonly leaseSeconds: number;
  /** NATS JetStream stream of this cluster (several clusters may share one NATS). */
  readonly busStream?: string | undefined;
  /** Witnesses each checkpoint is submitted to (`--witness URL=VKEYFILE`; docs/protocol/log.md). */
  readonly witnesses?: readonly { readonly url: string; readonly verifierKey: string }[];
  /** Rotate the transparency log's key once at this start (`--rotate-log-key`, ADR 0028). */
  readonly rotateLogKey?: boolean | undefined;
  /** HTTPS and WSS with this certificate chain and key (PEM files, re-read on `reloadTls`). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /**
   * The URLs agents dial to reach this server (`--public-url`, repeatable): agents' answers to the
   * channel challenge must be signed for one of them. Default: the address it listens on.
   */
  readonly publicUrls?: readonly string[] | undefined;
  /**
   * A second, agent-only HTTPS port that demands a device certificate in the handshake
   * (`--agent-listen`, ADR 0030); needs `tls`.
   */
  readonly agentListen?: { readonly host: string; readonly port: number } | undefined;
  /** The URLs agents dial to reach the agent port (`--agent-public-url`); default: its address. */
  readonly agentPublicUrls?: readonly string[] | undefined;
  /** The main port refuses the agent channel: agents only through `agentListen`. */
  readonly requireClientCert?: boolean | undefined;
  /** Abuse limits (features/limits/limits.ts; `--limit NAME=VALUE`). */
  readonly limits: LimitsConfig;
  /** A second address serving only GET /metrics, without a token (`--metrics-listen`). */
  readonly metricsListen?: { readonly host: string; readonly port: number } | undefined;
  /** Webhook delivery: timeout, retries and polling (`--webhook NAME=VALUE`); absent: defaults. */
  readonly webhooks?: Partial<WebhookSettings> | undefined;
  /** Allows a non-loopback listen address without TLS (warned about once at start). */
  readonly insecurePlainHttp?: boolean | undefined;
  readonly expiry: {
    readonly rootSeconds: number;
    readonly targetsSeconds: number;
    readonly snapshotSeconds: number;
    readonly timestampSeconds: number;
  };
}

const DAY = 24 * 3600;

export const DEFAULT_CONFIG: ServerConfig = {
  dataDir: 'patchcast-data',
  host: '127.0.0.1',
  port: 8080,
  logLevel: 'warn',
  heartbeatSeconds: 15,
  maxArtifactBytes: 2 * 1024 ** 3,
  db: undefined,
  dbPoolSize: 10,
  artifactsDir: undefined,
  artifactCacheBytes: 256 * 1024 ** 2,
  bus: 'memory',
  leaseSeconds: 15,
  limits: DEFAULT_LIMITS,
  expiry: {
    rootSeconds: 365 * DAY,
    targetsSeconds: 90 * DAY,
    snapshotSeconds: 7 * DAY,
    timestampSeconds: DAY,
  },
};
