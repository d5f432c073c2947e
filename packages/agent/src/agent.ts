/** The agent: enroll once, then keep a live channel and install what signed metadata allows. */
import { mkdir, access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { PatchcastError } from '@patchcast/core/base';
import type { Notice } from '@patchcast/protocol/agent';
import { loadIdentity, readIdentityFile } from './identity.js';
import type { Identity } from './identity.js';
import { AgentState } from './state.js';
import { Connection } from './connection.js';
import { fileBaseStore } from './delta/base-store.js';
import { collectInventory } from './inventory.js';
import { startInventorySync } from './inventory/inventory-agent.js';
import { enrollAtAny, followingLogOps, resolveServers } from './servers.js';
import { LogChecker } from './log/log-checker.js';
import { witnessPolicy } from './log/witness-policy.js';
import { loadMaintenanceGate } from './maintenance.js';
import { resolvePolicy } from './policy.js';
import { currentBootId } from './install/boot-id.js';
import { DeviceCertificate } from './device-certificate.js';
import type { SelfUpdateConfig } from './self-update/self-installer.js';
import type { PatchWork } from './patch-work.js';
import { labelNotice } from './label-notice.js';
import { peerLayer } from './agent-peers.js';
import type { PeerConfig } from './agent-peers.js';

// What the packaged agent's command needs beside startAgent, without the package's whole index.
export { AGENT_VERSION } from './inventory.js';
export { TRIAL_ENV } from './self-update/trial.js';
export type { SelfUpdateConfig } from './self-update/self-installer.js';
export { peerConfig } from './agent-peers.js';
export type { PeerConfig, PeerFlags } from './agent-peers.js';

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
  /** `--replace DEVICE`: enroll as the successor of that (lost) device; needs a replacement token. */
  readonly replaces?: string | undefined;
  /** Witness verifier keys (`--witness`) and how many must cosign each checkpoint. */
  readonly witnesses?:
    { readonly keys: readonly string[]; readonly threshold?: number } | undefined;
  /** Require ML-DSA-65 keys for every role; undefined: on when the trusted root has them. */
  readonly requirePq?: boolean | undefined;
  readonly log?: (line: string) => void;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly retryDelayMs?: number;
  /** `--max-download-rate`: a bandwidth cap such as `5M`, kept in `<data>/policy.json`. */
  readonly maxDownloadRate?: string | undefined;
  /** Peer-to-peer (ADR 0040): pieces from and to devices of the same site; absent: off. */
  readonly peer?: PeerConfig | undefined;
  /** How this agent replaces itself with a `patchcast-agent` update (packaged agents only). */
  readonly selfUpdate?: SelfUpdateConfig | undefined;
  /**
   * Trial mode (a new version on trial, ADR 0036): connect, write this file, and do nothing
   * else: no recovery, no installs, no reports.
   */
  readonly trialOkFile?: string | undefined;
}

export interface RunningAgent {
  readonly deviceId: string;
  readonly connection: Connection;
  readonly state: AgentState;
  /** Settles when the server revoked this device: the agent has stopped connecting for good. */
  readonly revoked: Promise<PatchcastError>;
  /** Settles when the agent must be restarted (its executable was replaced or restored). */
  readonly restart: Promise<void>;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig): Promise<RunningAgent> {
  const dataDir = resolve(config.dataDir);
  const rootDir = resolve(config.rootDir);
  const log = config.log ?? (() => undefined);
  await prepareDirs(dataDir, rootDir);
  const policy = await resolvePolicy(dataDir, { maxDownloadRate: config.maxDownloadRate });
  const bootId = await currentBootId();
  const trial = config.trialOkFile;
  if (trial === undefined) await recoverInstalls(rootDir, join(dataDir, 'install'), log);
  const identity = await identityFor(config, dataDir, log);
  const given = config.servers ?? (config.server === undefined ? [] : [config.server]);
  const certificate = await DeviceCertificate.load(dataDir);
  const servers = await resolveServers(dataDir, given, identity.server);
  const dialled = () => [...new Set([...certificate.agentUrls, ...servers])];
  const live = { server: dialled()[0] ?? identity.server };
  const state = new AgentState(dataDir);
  await state.load();
  let onRestart: () => void = () => undefined;
  const restart = new Promise<void>((resolve) => (onRestart = resolve));
  if (trial === undefined && (await selfUpdateRecovered(config.selfUpdate, dataDir, state, log)))
    onRestart();
  const logChecker = new LogChecker({
    dataDir,
    ops: followingLogOps(() => live.server),
    logKey: config.logKey,
    log,
    witnesses: witnessPolicy(config.witnesses),
  });
  await logChecker.load();
  const packages = await startInventorySync({ dataDir, log, send: (m) => connection.send(m) });
  const maintenance = await loadMaintenanceGate(dataDir, { log });
  const peers = peerLayer(config.peer, { ...identity, send: (m) => connection.send(m), log });
  const patchWork = lazily(async (): Promise<PatchWork> => {
    const { startPatchWork } = await import('./patch-work.js');
    return startPatchWork({
      dataDir,
      rootDir,
      state,
      publication: logChecker,
      maintenance,
      server: () => live.server,
      maxBytesPerSecond: policy.maxDownloadBytesPerSecond,
      requirePq: config.requirePq,
      retryDelayMs: config.retryDelayMs,
      bases: fileBaseStore(dataDir),
      swarm: await peers.swarm(),
      selfUpdate: config.selfUpdate,
      disconnect: () => connection.stop(),
      restart: () => onRestart(),
      log,
      send: (message) => connection.send(message),
      inventory: () => {
        packages.changed(); // after installs: the package inventory may have changed too
        return collectInventory(state.data.installed);
      },
    });
  });
  /** In arrival order: each waits for the same loading, then runs in the order it was queued. */
  const withWork = (use: (work: PatchWork) => void) =>
    void patchWork
      .get()
      .then(use, (error: unknown) => log(`cannot load the install path: ${String(error)}`));
  const noticeLabels = labelNotice(config.labels, identity.deviceId, log);
  let onRevoked: (error: PatchcastError) => void = () => undefined;
  const revoked = new Promise<PatchcastError>((resolve) => (onRevoked = resolve));
  const connection: Connection = new Connection({
    identity,
    server: live.server,
    servers: dialled(),
    onServer: (url) => {
      live.server = url;
    },
    log,
    onRevoked: (message) =>
      onRevoked(
        new PatchcastError('DEVICE_REVOKED', message, {
          hint: 'an operator revoked this device; enroll the host again with an empty --data folder and a new token (`--replace ID` keeps the id)',
        }),
      ),
    backoff: config.backoff,
    inventory: () => collectInventory(state.data.installed),
    lastTimestampVersion: () => state.data.lastTimestampVersion,
    checkpoint: () => logChecker.checkpointNote,
    onWelcome: (welcome) => {
      log(`connected to ${live.server} as ${identity.deviceId}`);
      if (trial !== undefined) return void trialHealthy(trial, identity.deviceId);
      noticeLabels(welcome.labels);
      if (welcome.deviceCertificates === true && certificate.wanted)
        connection.send({ type: 'certificate-request' });
      for (const report of state.data.outbox) connection.send(report);
      connection.send({ type: 'boot', bootId });
      packages.connected();
      peers.connected();
    },
    onMessage: (message) => {
      if (trial !== undefined) return;
      if (message.type === 'notice') withWork((w) => w.runner.enqueue(message satisfies Notice));
      else if (message.type === 'health-request') withWork((w) => w.commands.healthCheck(message));
      else if (message.type === 'rollback') withWork((w) => w.commands.rollback(message));
      else if (message.type === 'ack') void state.acknowledge(message.reportId);
      else if (message.type === 'peer') peers.receive(message.body);
      else if (message.type === 'certificate')
        void certificate.accept(message).then(
          () => connection.redirect(dialled()),
          (error: unknown) => log(`device certificate not kept: ${(error as Error).message}`),
        );
      else packages.onServerMessage(message);
    },
  });
  connection.start();
  return {
    deviceId: identity.deviceId,
    connection,
    state,
    revoked,
    restart,
    stop: async () => {
      maintenance.close();
      packages.stop();
      await connection.stop();
      await patchWork.started?.then((work) => work.runner.idle());
      await peers.stop();
    },
  };
}

/**
 * Finishes or undoes what a crash left of an install. Every install keeps its journal under
 * `stateDir`: without that folder there is nothing to recover, and the installers stay unloaded.
 */
async function recoverInstalls(
  rootDir: string,
  stateDir: string,
  log: (line: string) => void,
): Promise<void> {
  if (!(await exists(stateDir))) return;
  const { recoverInstalls: recover } = await import('./installers/install-patch.js');
  const recovery = await recover(rootDir, stateDir);
  if (recovery.recovered > 0)
    log(`recovered ${recovery.recovered} interrupted install(s): ${recovery.action}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** `get()` starts `load` once; `started` is its promise once some caller asked. */
function lazily<T>(load: () => Promise<T>): {
  get(): Promise<T>;
  readonly started: Promise<T> | undefined;
} {
  let started: Promise<T> | undefined;
  return {
    get: () => (started ??= load()),
    get started() {
      return started;
    },
  };
}

/**
 * The identity in `<data>/identity.json`, enrolling first when a token is given: with a new key
 * on a new host, with the key this host holds when it is enrolled already (the same device).
 */
async function identityFor(
  config: AgentConfig,
  dataDir: string,
  log: (line: string) => void,
): Promise<Identity> {
  const existing = await readIdentityFile(dataDir);
  if (config.enrollToken === undefined) {
    const identity = existing === undefined ? undefined : await loadIdentity(dataDir);
    if (identity !== undefined) return identity;
    throw new PatchcastError(
      'USAGE',
      `this agent is not enrolled yet (no identity in ${dataDir})`,
      {
        hint: 'pass --server URL and --enroll TOKEN (from `patchcast enroll-token create`)',
      },
    );
  }
  const given = config.servers?.length ? config.servers : [config.server];
  const urls = given.filter((url): url is string => url !== undefined);
  if (urls.length === 0 && existing !== undefined) urls.push(existing.server);
  const enrolling = enrollAtAny(urls, {
    token: config.enrollToken,
    dataDir,
    name: config.name ?? hostname(),
    labels: config.labels ?? {},
    trustedRootFile: config.trustedRootFile,
    logKey: config.logKey,
    existing,
    replaces: config.replaces,
    log,
  });
  const { identity, outcome } = await enrolling.catch(async (error: unknown) => {
    const current = existing === undefined ? undefined : await loadIdentity(dataDir);
    if (current === undefined || !(error instanceof PatchcastError)) throw error;
    if (error.code === 'DEVICE_REVOKED') throw error; // running on would only be refused again
    log(
      `WARNING: could not enroll again (${error.code}: ${error.message}); running as ${current.deviceId}`,
    );
    return { identity: current, outcome: undefined };
  });
  if (outcome !== undefined) log(ENROLLED[outcome](identity.deviceId));
  return identity;
}

const ENROLLED = {
  enrolled: (id: string) => `enrolled as ${id}`,
  're-enrolled': (id: string) => `re-enrolled as ${id} (this host's device key was known)`,
  replaced: (id: string) =>
    `enrolled as ${id}, replacing its earlier host (whose key is refused now)`,
};

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

/** A self-update a crash left on trial is undone; only a packaged agent loads this (ADR 0036). */
async function selfUpdateRecovered(
  config: SelfUpdateConfig | undefined,
  dataDir: string,
  state: AgentState,
  log: (line: string) => void,
): Promise<boolean> {
  if (config === undefined) return false;
  const { recoverSelfUpdate } = await import('./self-update/agent-self-update.js');
  return recoverSelfUpdate(config, dataDir, state, log);
}

async function trialHealthy(okFile: string, deviceId: string): Promise<void> {
  const { reportTrialHealthy } = await import('./self-update/agent-self-update.js');
  await reportTrialHealthy(okFile, deviceId);
}
