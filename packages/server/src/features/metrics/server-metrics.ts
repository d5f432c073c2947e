/**
 * The server's Prometheus metrics (docs/operations.md "Metrics", ADR 0025): one registry per
 * server, so several servers in one process (tests) never share counters. Counters and
 * histograms are updated where things happen; gauges that mirror state (connected agents,
 * rollouts by state, the log) are read at scrape time, so they are never stale.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ROLLOUT_STATES } from '@patchcast/protocol';
import type { PatchRef, DeviceState } from '@patchcast/protocol';

/** What the scrape-time gauges read: this node's live state (state-sources.ts). */
export interface StateSources {
  readonly connectedAgents: () => number;
  /** The state of every rollout in the store. */
  /** How many rollouts are in each state (states without one may be absent). */
  readonly rolloutCounts: () => Promise<Readonly<Partial<Record<string, number>>>>;
  /** Entries in the checkpoint this node serves. */
  readonly logSize: () => number;
  /** When the newest entry of that checkpoint was made (undefined: the log is empty). */
  readonly newestEntryAt: () => Promise<Date | undefined>;
  readonly now: () => Date;
}

/** Seconds: from a millisecond store read to a slow PostgreSQL transaction. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds: a notice's way to an agent and back, up to a slow agent's first report. */
const NOTICE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly connectedAgents: Gauge;
  readonly noticeLatency: Histogram;
  readonly installs: Counter<'patch' | 'version'>;
  readonly failures: Counter<'patch' | 'version'>;
  readonly rollbacks: Counter<'patch' | 'version'>;
  readonly rollouts: Gauge<'state'>;
  readonly logEntries: Gauge;
  readonly checkpointAge: Gauge;
  readonly storeDuration: Histogram<'operation'>;
  readonly busPublishDuration: Histogram<'topic'>;
  readonly httpDuration: Histogram<'route' | 'method' | 'status_code'>;
  readonly buildInfo: Gauge<'version' | 'storage' | 'bus' | 'node'>;
  #sources: StateSources | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.connectedAgents = new Gauge({
      name: 'patchcast_connected_agents',
      help: 'Agents with an authenticated live WebSocket to this node.',
      registers,
      collect: () => {
        if (this.#sources !== undefined) this.connectedAgents.set(this.#sources.connectedAgents());
      },
    });
    this.noticeLatency = new Histogram({
      name: 'patchcast_notice_latency_seconds',
      help: "From a rollout notice sent to an agent to that agent's first report for the rollout.",
      buckets: NOTICE_BUCKETS,
      registers,
    });
    const byPatch = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['patch', 'version'], registers });
    this.installs = byPatch('patchcast_patch_installs_total', 'Devices that reported installed.');
    this.failures = byPatch(
      'patchcast_patch_install_failures_total',
      'Devices that reported failed.',
    );
    this.rollbacks = byPatch(
      'patchcast_patch_rollbacks_total',
      'Devices that reported rolled-back (failed health check, or a rollback asked for).',
    );
    this.rollouts = new Gauge({
      name: 'patchcast_rollouts',
      help: 'Rollouts in the store by state (the same on every node of a cluster).',
      labelNames: ['state'],
      registers,
      collect: () => this.#collectRollouts(),
    });
    this.logEntries = new Gauge({
      name: 'patchcast_log_entries',
      help: 'Entries of the transparency log covered by the checkpoint this node serves.',
      registers,
      collect: () => {
        if (this.#sources !== undefined) this.logEntries.set(this.#sources.logSize());
      },
    });
    this.checkpointAge = new Gauge({
      name: 'patchcast_log_checkpoint_age_seconds',
      help: 'Age of the newest entry in the checkpoint this node serves (0 for an empty log).',
      registers,
      collect: () => this.#collectAge(),
    });
    this.storeDuration = new Histogram({
      name: 'patchcast_store_operation_duration_seconds',
      help: 'Store port calls (each one a query or a transaction) by operation.',
      labelNames: ['operation'],
      buckets: FAST_BUCKETS,
      registers,
    });
    this.busPublishDuration = new Histogram({
      name: 'patchcast_bus_publish_duration_seconds',
      help: 'Bus publishes by topic (in-process, or acknowledged by NATS JetStream).',
      labelNames: ['topic'],
      buckets: FAST_BUCKETS,
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'patchcast_http_request_duration_seconds',
      help: 'HTTP requests by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status_code'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.buildInfo = new Gauge({
      name: 'patchcast_build_info',
      help: 'Always 1: the server version, its storage and bus, and the node name.',
      labelNames: ['version', 'storage', 'bus', 'node'],
      registers,
    });
  }

  /** Where the scrape-time gauges read from; set once the app is built. */
  watch(sources: StateSources): void {
    this.#sources = sources;
  }

  async #collectRollouts(): Promise<void> {
    if (this.#sources === undefined) return;
    const counts = await this.#sources.rolloutCounts();
    for (const state of ROLLOUT_STATES) this.rollouts.set({ state }, counts[state] ?? 0);
  }

  async #collectAge(): Promise<void> {
    if (this.#sources === undefined) return;
    const newestAt = await this.#sources.newestEntryAt();
    const age = newestAt === undefined ? 0 : this.#sources.now().getTime() - newestAt.getTime();
    this.checkpointAge.set(Math.max(0, age) / 1000);
  }

  /** A device's final report was stored (applied once; duplicates are not counted). */
  recordResult(patch: PatchRef, state: DeviceState): void {
    const labels = { patch: patch.name, version: patch.version };
    if (state === 'installed') this.installs.inc(labels);
    else if (state === 'failed') this.failures.inc(labels);
    else if (state === 'rolled-back') this.rollbacks.inc(labels);
  }

  /** The text format Prometheus scrapes. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
