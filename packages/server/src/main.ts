/**
 * The composition root: the only place that builds real adapters (SQLite, in-process bus, local
 * artifact storage, key files) and starts listening.
 */
import { mkdir, access, constants, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Server as TlsServer } from 'node:tls';
import { PatchcastError } from '@patchcast/core';
import type { RoleName } from '@patchcast/core';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/store.js';
import { checkKeyset, localKeyset } from './keys/keyset.js';
import { openBus } from './bus/open-bus.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { logWriterLock } from './cluster/log-writer-lock.js';
import type { SharedLog } from './features/log/batch-writer.js';
import { LocalArtifactStore } from './artifacts/local-artifact-store.js';
import { CachedArtifactStore } from './artifacts/cached-artifact-store.js';
import { RepositoryService } from './features/repository/repository-service.js';
import { createApiToken } from './features/auth/api-tokens.js';
import { ensureDevKeys, loadRoleKey } from './keys/dev-keys.js';
import { loadOnlineKeys } from './keys/online-keys.js';
import { ensureLogKey, ensureLogOrigin, logKeyPath } from './keys/log-key.js';
import {
  installNextKey,
  prepareNextKey,
  recoverRotation,
  keyPredecessors,
} from './features/log/key-rotation.js';
import { TransparencyLog } from './features/log/transparency-log.js';
import { logMissingPublications } from './features/log/reconcile.js';
import { witnessEndpoints } from './features/log/witness-config.js';
import { buildApp } from './app.js';
import type { App } from './app.js';
import { checkAddressFree, listen } from './listen.js';
import { checkTransport, loadTlsMaterial } from './tls.js';
import { agentPortOrigins, audiencesOf, checkPublicUrls } from './public-origins.js';
import { checkAgentPort, openDeviceCa } from './device-trust.js';
import { startAgentPort } from './agent-listener.js';
import { DeviceCertificates } from './features/devices/device-certificates.js';
import { DEFAULT_CONFIG } from './config.js';
import type { ServerConfig } from './config.js';
import type { LimitsConfig } from './features/limits/limits.js';
import { ServerMetrics } from './features/metrics/server-metrics.js';
import { timedBus, timedStore } from './features/metrics/timed-ports.js';
import { checkMetricsListen, startMetricsListener } from './features/metrics/metrics-listener.js';

export const SERVER_VERSION = '0.1.0';

/** Role key files may be passphrase-protected; development keys are not. */
const keyOptions = { passphrase: process.env.PATCHCAST_KEY_PASSPHRASE };

export interface StartOptions {
  /** Lines for a human: warnings about dev keys, the initial admin token, where it listens. */
  readonly print?: (line: string) => void;
  readonly now?: () => Date;
}

export interface RunningServer {
  readonly url: string;
  readonly dataDir: string;
  readonly app: App;
  /** Set only on the start that created it. */
  readonly initialAdminToken: string | undefined;
  /**
   * Re-reads the TLS certificate and key files and serves new connections with them; connected
   * agents keep their connections. Throws (TLS_CERT_INVALID) and keeps the old pair when the new
   * files are bad; does nothing without TLS.
   */
  reloadTls(): Promise<void>;
  close(): Promise<void>;
}

/** Server settings as given: any left out keep their defaults, limits one by one. */
export type ServerSettings = Partial<Omit<ServerConfig, 'limits'>> & {
  readonly limits?: Partial<LimitsConfig> | undefined;
};

export async function startServer(
  partial: ServerSettings,
  options: StartOptions = {},
): Promise<RunningServer> {
  const config: ServerConfig = {
    ...DEFAULT_CONFIG,
    ...partial,
    dataDir: resolve(partial.dataDir ?? DEFAULT_CONFIG.dataDir),
    limits: { ...DEFAULT_CONFIG.limits, ...partial.limits },
  };
  const print = options.print ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const plainWarning = checkTransport(config);
  checkPublicUrls(config);
  checkAgentPort(config);
  const tls = config.tls === undefined ? undefined : await loadTlsMaterial(config.tls);
  await checkAddressFree(config);
  if (config.agentListen !== undefined)
    await checkAddressFree(config.agentListen, '--agent-listen');
  const metricsWarning = await checkMetricsListen(config);
  await prepareDataDir(config.dataDir);
  for (const warning of [plainWarning, metricsWarning]) if (warning !== undefined) print(warning);
  if (await ensureDevKeys(config.dataDir)) {
    print(`WARNING: created a development key set in ${join(config.dataDir, 'keys')}.`);
    print('         In production, root and targets keys belong offline with their holders;');
    print('         the server needs only snapshot.key and timestamp.key.');
  }
  const metrics = new ServerMetrics();
  const store = timedStore(
    await openStore(config, (error) => print(`WARNING: database: ${error.message}`)),
    metrics.storeDuration,
  );
  const shared = config.bus === 'memory' ? undefined : logWriterLock(store.leases);
  const log = await openLog(config, store, print, shared).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const disk = new LocalArtifactStore(config.artifactsDir ?? join(config.dataDir, 'artifacts'));
  await disk.init();
  const artifacts = new CachedArtifactStore(disk, { capacityBytes: config.artifactCacheBytes });
  const [snapshot, timestamp] = await Promise.all([
    loadRoleKey(config.dataDir, 'snapshot', keyOptions),
    loadRoleKey(config.dataDir, 'timestamp', keyOptions),
  ]);
  const repository = new RepositoryService({
    store,
    artifacts,
    now,
    expiry: config.expiry,
    snapshotSigners: snapshot.signers,
    timestampSigners: timestamp.signers,
    onlineKeys: () => loadOnlineKeys(config.dataDir, keyOptions),
    log,
    onError: (error) => print(`ERROR: the repository view was not read again: ${String(error)}`),
  });
  await repository.initialize(() => genesisKeys(config.dataDir));
  const backfilled = await logMissingPublications(repository, log, now().toISOString());
  if (backfilled > 0) print(`Transparency log: recorded ${backfilled} earlier publication(s).`);
  const deviceCa = await openDeviceCa(config.dataDir, store, now(), print).catch(
    async (error: unknown) => {
      await log.close();
      await store.close();
      throw error;
    },
  );
  const initialAdminToken = await ensureInitialAdminToken(config.dataDir, store, now);
  if (initialAdminToken !== undefined) {
    print(`Initial admin token (also in ${join(config.dataDir, 'initial-admin-token')}):`);
    print(`  ${initialAdminToken}`);
  }
  const busErrors = { report: (error: unknown) => print(`bus: ${String(error)}`) };
  const bus = timedBus(
    await openBus(config, (error) => busErrors.report(error)).catch(async (error: unknown) => {
      await log.close();
      await store.close();
      throw error;
    }),
    metrics.busPublishDuration,
  );
  const cluster =
    bus.kind === 'memory'
      ? undefined
      : new ClusterNode({ store, bus, log, now, leaseMs: config.leaseSeconds * 1000 });
  let agentUrls: readonly string[] = config.agentPublicUrls ?? [];
  const certificates = new DeviceCertificates({
    ca: deviceCa,
    store: cluster?.store ?? store,
    now,
    agentUrls: () => agentUrls,
    requireClientCert: config.requireClientCert === true,
    onError: (error) => print(`ERROR: the device CRL was not rebuilt: ${String(error)}`),
  });
  const app = await buildApp(
    {
      config,
      store: cluster?.store ?? store,
      clustered: cluster !== undefined,
      bus,
      artifacts,
      repository,
      log,
      now,
      version: SERVER_VERSION,
      metrics,
      certificates,
    },
    tls,
  );
  const resign = startResignTimer(repository, config, (error) =>
    app.fastify.log.error({ err: error }, 're-signing failed'),
  );
  busErrors.report = (error) => app.fastify.log.error({ err: error }, 'bus handler failed');
  await bus.ready();
  await cluster?.start(app.rollouts, (error) =>
    app.fastify.log.error({ err: error }, 'rollout leases'),
  );
  const url = await listen(app, config);
  const agentListener = await startAgentPort(app, config, tls, certificates, deviceCa.certificate);
  if (agentListener !== undefined && agentUrls.length === 0) agentUrls = [agentListener.url];
  const agentOrigins = agentPortOrigins(config);
  app.gateway.audiences = [
    ...audiencesOf(config, url),
    ...(agentListener === undefined || agentOrigins === undefined
      ? []
      : audiencesOf(agentOrigins, agentListener.url)),
  ];
  const metricsListener =
    config.metricsListen === undefined
      ? undefined
      : await startMetricsListener(metrics, config.metricsListen, tls);
  if (metricsListener !== undefined) print(`Metrics (no token) on ${metricsListener.url}`);
  if (agentListener !== undefined) print(`Agents with device certificates on ${agentListener.url}`);
  print(
    `Patchcast server ${SERVER_VERSION} listening on ${url} (data: ${config.dataDir}, storage: ${store.kind}, bus: ${bus.kind}, node: ${bus.nodeId})`,
  );
  return {
    url,
    dataDir: config.dataDir,
    app,
    initialAdminToken,
    reloadTls: async () => {
      if (config.tls === undefined) return;
      const material = await loadTlsMaterial(config.tls);
      (app.fastify.server as unknown as TlsServer).setSecureContext(material);
      metricsListener?.setSecureContext(material);
      agentListener?.reload(material);
    },
    close: async () => {
      clearInterval(resign);
      await metricsListener?.close();
      await cluster?.stop();
      await app.fastify.close();
      await agentListener?.close();
      await log.close();
      await bus.close();
      await store.close();
    },
  };
}

async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw new PatchcastError(
      'DATA_DIR_UNWRITABLE',
      `cannot use data folder ${dataDir}: ${(error as Error).message}`,
      {
        hint: 'choose a writable folder with --data DIR',
        cause: error,
      },
    );
  }
}

/** The transparency log: its origin (made once), its key in keys/log.key, its stored tree. */
async function openLog(
  config: ServerConfig,
  store: Store,
  print: (line: string) => void,
  shared: SharedLog | undefined,
): Promise<TransparencyLog> {
  const { dataDir } = config;
  const origin = await ensureLogOrigin(store);
  await recoverRotation(dataDir, store.log);
  const key = await ensureLogKey(dataDir, origin);
  const predecessors = await keyPredecessors(store.log, key.signer.verifierKey);
  await checkKeyset(
    store,
    await localKeyset(dataDir, key.signer.verifierKey, keyOptions),
    predecessors,
  );
  if (key.created)
    print(`Created the transparency log key ${logKeyPath(dataDir)} (log ${origin}).`);
  const log = await TransparencyLog.open({
    store: store.log,
    signer: key.signer,
    onError: (error) => print(`ERROR: ${error.message}`),
    ...(shared === undefined ? {} : { shared }),
    witnesses: { endpoints: witnessEndpoints(config.witnesses ?? []), print },
  });
  if (config.rotateLogKey === true) await rotateLogKey(log, dataDir, print);
  return log;
}

/** ADR 0028: the new key is written aside, the transition stored, then the key files swapped. */
async function rotateLogKey(
  log: TransparencyLog,
  dataDir: string,
  print: (line: string) => void,
): Promise<void> {
  const previous = log.verifierKey;
  const next = await prepareNextKey(dataDir, log.identity.origin);
  await log.rotateKey(next, new Date().toISOString());
  await installNextKey(dataDir);
  print(
    `Rotated the transparency log key: ${previous} -> ${next.verifierKey} (${logKeyPath(dataDir)}); remove --rotate-log-key`,
  );
}

async function genesisKeys(dataDir: string) {
  const roles = ['root', 'targets', 'snapshot', 'timestamp'] as const;
  const files = await Promise.all(roles.map((role) => loadRoleKey(dataDir, role, keyOptions)));
  const publicKeys = Object.fromEntries(
    roles.map((role, i) => [role, files[i]?.publicKeys ?? []]),
  ) as Record<RoleName, never[]>;
  return {
    publicKeys,
    rootSigners: files[0]?.signers ?? [],
    targetsSigners: files[1]?.signers ?? [],
  };
}

/** The first admin token is made once per database and written to `<data>/initial-admin-token`. */
async function ensureInitialAdminToken(
  dataDir: string,
  store: Store,
  now: () => Date,
): Promise<string | undefined> {
  const claim = `claimed-${process.pid}-${now().getTime()}`;
  if ((await store.initSetting('initial-admin-token', claim)) !== claim) return undefined;
  const { token } = await createApiToken(store, 'initial-admin', 'admin', now(), {
    createdBy: 'server',
  });
  await writeFile(join(dataDir, 'initial-admin-token'), `${token}\n`, { mode: 0o600 });
  return token;
}

function startResignTimer(
  repository: RepositoryService,
  config: ServerConfig,
  onError: (e: unknown) => void,
): NodeJS.Timeout {
  const periodMs = Math.max(1000, Math.min(3600_000, (config.expiry.timestampSeconds * 1000) / 8));
  const tick = () => void repository.refreshExpiring().catch(onError);
  tick();
  const timer = setInterval(tick, periodMs);
  timer.unref();
  return timer;
}
