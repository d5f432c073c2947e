/** The agent: enroll once, then keep a live channel and install what signed metadata allows. */
import { mkdir, access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { PatchcastError, Updater } from '@patchcast/core';
import type { Notice } from '@patchcast/protocol';
import { loadIdentity } from './identity.js';
import type { Identity } from './identity.js';
import { AgentState } from './state.js';
import { Connection } from './connection.js';
import { PatchRunner } from './patch-runner.js';
import type { RunnerDeps } from './patch-runner.js';
import { RolloutCommands } from './rollout-commands.js';
import { collectInventory } from './inventory.js';
import { startInventorySync } from './inventory/inventory-agent.js';
import { fileTrustStore } from './tuf-ops.js';
import { enrollAtAny, followingLogOps, followingRepository, resolveServers } from './servers.js';
import { recoverTransactions } from './install/index.js';
import { LogChecker } from './log/log-checker.js';
import { loadMaintenanceGate } from './maintenance.js';
import { resolvePolicy } from './policy.js';
import { targetDownloads } from './download-target.js';
import { currentBootId } from './install/boot-id.js';

export interface AgentConfig {
  readonly dataDir: string;
  readonly rootDir: string;
  readonly server?: string | undefined;
  /** Several nodes of one cluster, kept in `<data>/servers.json`; overrides `server`. */
  readonly servers?: readonly string[] | undefined;
  readonly enrollToken?: string | undefined;
  readonly name?: string | undefined;
  readonly labels?: Readonly<Record<string, string>>;
  readonly trustedRootFile?: string | undefined;
  /** The log's verifier key obtained out of band; else /log/key is trusted on first use. */
  readonly logKey?: string | undefined;
  /** Require ML-DSA-65 keys for every role; undefined: on when the trusted root has them. */
  readonly requirePq?: boolean | undefined;
  readonly log?: (line: string) => void;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly retryDelayMs?: number;
  /** `--max-download-rate`: a bandwidth cap such as `5M`, kept in `<data>/policy.json`. */
  readonly maxDownloadRate?: string | undefined;
}

export interface RunningAgent {
  readonly deviceId: string;
  readonly connection: Connection;
  readonly state: AgentState;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig): Promise<RunningAgent> {
  const dataDir = resolve(config.dataDir);
  const rootDir = resolve(config.rootDir);
  const log = config.log ?? (() => undefined);
  await prepareDirs(dataDir, rootDir);
  const policy = await resolvePolicy(dataDir, { maxDownloadRate: config.maxDownloadRate });
  const bootId = await currentBootId();
  const recovery = await recoverTransactions(rootDir, join(dataDir, 'install'));
  if (recovery.recovered > 0)
    log(`recovered ${recovery.recovered} interrupted install(s): ${recovery.action}`);
  const identity = await identityFor(config, dataDir, log);
  const given = config.servers ?? (config.server === undefined ? [] : [config.server]);
  const servers = await resolveServers(dataDir, given, identity.server);
  const live = { server: servers[0] ?? identity.server };
  const state = new AgentState(dataDir);
  await state.load();
  const logChecker = new LogChecker({
    dataDir,
    ops: followingLogOps(() => live.server),
    logKey: config.logKey,
    log,
  });
  await logChecker.load();
  const updater = new Updater({
    repository: targetDownloads({
      base: followingRepository(() => live.server),
      server: () => live.server,
      dataDir,
      maxBytesPerSecond: policy.maxDownloadBytesPerSecond,
      log,
    }),
    store: fileTrustStore(dataDir),
    now: () => new Date(),
    requirePq: config.requirePq,
  });
  const packages = await startInventorySync({ dataDir, log, send: (m) => connection.send(m) });
  const maintenance = await loadMaintenanceGate(dataDir, { log });
  const runnerDeps: RunnerDeps = {
    dataDir,
    rootDir,
    state,
    updater,
    publication: logChecker,
    log,
    retryDelayMs: config.retryDelayMs,
    maintenance,
    send: (message) => connection.send(message),
    inventory: () => {
      packages.changed(); // after installs: the package inventory may have changed too
      return collectInventory(state.data.installed);
    },
  };
  const runner = new PatchRunner(runnerDeps);
  const commands = new RolloutCommands(runnerDeps, runner);
  const connection: Connection = new Connection({
    identity,
    server: live.server,
    servers,
    onServer: (url) => {
      live.server = url;
    },
    log,
    backoff: config.backoff,
    inventory: () => collectInventory(state.data.installed),
    lastTimestampVersion: () => state.data.lastTimestampVersion,
    checkpoint: () => logChecker.checkpointNote,
    onWelcome: () => {
      log(`connected to ${live.server} as ${identity.deviceId}`);
      for (const report of state.data.outbox) connection.send(report);
      connection.send({ type: 'boot', bootId });
      packages.connected();
    },
    onMessage: (message) => {
      if (message.type === 'notice') runner.enqueue(message satisfies Notice);
      else if (message.type === 'health-request') commands.healthCheck(message);
      else if (message.type === 'rollback') commands.rollback(message);
      else if (message.type === 'ack') void state.acknowledge(message.reportId);
      else packages.onServerMessage(message);
    },
  });
  connection.start();
  return {
    deviceId: identity.deviceId,
    connection,
    state,
    stop: async () => {
      maintenance.close();
      packages.stop();
      await connection.stop();
      await runner.idle();
    },
  };
}

async function identityFor(
  config: AgentConfig,
  dataDir: string,
  log: (line: string) => void,
): Promise<Identity> {
  const existing = await loadIdentity(dataDir);
  if (existing !== undefined) {
    if (config.enrollToken !== undefined)
      log(`already enrolled as ${existing.deviceId}; ignoring --enroll`);
    return existing;
  }
  if (config.enrollToken === undefined || config.server === undefined) {
    throw new PatchcastError(
      'USAGE',
      `this agent is not enrolled yet (no identity in ${dataDir})`,
      {
        hint: 'pass --server URL and --enroll TOKEN (from `patchcast enroll-token create`)',
      },
    );
  }
  const urls = config.servers?.length ? config.servers : [config.server];
  const identity = await enrollAtAny(urls, {
    token: config.enrollToken,
    dataDir,
    name: config.name ?? hostname(),
    labels: config.labels ?? {},
    trustedRootFile: config.trustedRootFile,
    logKey: config.logKey,
    log,
  });
  log(`enrolled as ${identity.deviceId}`);
  return identity;
}

async function prepareDirs(dataDir: string, rootDir: string): Promise<void> {
  for (const [dir, flag] of [
    [dataDir, '--data'],
    [rootDir, '--root'],
  ] as const) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await access(dir, constants.W_OK);
    } catch (error) {
      throw new PatchcastError(
        'DATA_DIR_UNWRITABLE',
        `cannot use ${dir}: ${(error as Error).message}`,
        {
          hint: `choose a writable folder with ${flag} DIR`,
          cause: error,
        },
      );
    }
  }
}
