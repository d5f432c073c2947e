/**
 * What the agent loads when the first notice, health request or rollback arrives, not before: the
 * TUF updater (ML-DSA), downloads, the installers and the rollout commands. An idle agent holds only
 * its channel and state (agent.ts).
 */
import { Updater } from '@patchcast/core';
import type { AgentMessage, Inventory } from '@patchcast/protocol/agent';
import { PatchRunner } from './patch-runner.js';
import type { RunnerDeps } from './patch-runner.js';
import type { BaseStore } from './delta/base-store.js';
import type { SelfUpdateConfig } from './self-update/self-installer.js';
import { RolloutCommands } from './rollout-commands.js';
import { fileTrustStore } from './tuf-ops.js';
import { followingRepository } from './servers.js';
import { downloadsDir, targetDownloads } from './download-target.js';
import { verifiedTargets } from './fetch/verified-target.js';
import type { PieceSwarm } from './fetch/piece-swarm.js';
import type { AgentState } from './state.js';
import type { LogChecker } from './log/log-checker.js';
import type { MaintenanceGate } from './maintenance.js';

export interface PatchWorkDeps {
  readonly dataDir: string;
  readonly rootDir: string;
  readonly state: AgentState;
  readonly publication: Pick<LogChecker, 'checkPublication'>;
  readonly maintenance: Pick<MaintenanceGate, 'wait'>;
  /** The server the agent is connected to now (HTTP requests follow it). */
  readonly server: () => string;
  readonly maxBytesPerSecond: number | undefined;
  readonly requirePq: boolean | undefined;
  readonly retryDelayMs: number | undefined;
  readonly send: (message: AgentMessage) => boolean;
  readonly inventory: () => Inventory;
  readonly log: (line: string) => void;
  /** Kept bundles of installed versions, the bases of deltas (ADR 0037). */
  readonly bases: BaseStore;
  /** Self-updates (`patchcast-agent` patches, ADR 0036): how, closing the channel, restarting. */
  readonly selfUpdate: SelfUpdateConfig | undefined;
  readonly disconnect: () => Promise<void>;
  readonly restart: () => void;
  /** Peer-to-peer (`peer.enabled`, peer/): pieces from the site's peers; absent: the origin only. */
  readonly swarm?: PieceSwarm | undefined;
}

export interface PatchWork {
  readonly runner: PatchRunner;
  readonly commands: RolloutCommands;
}

export function startPatchWork(deps: PatchWorkDeps): PatchWork {
  const { dataDir, log } = deps;
  const updater = new Updater({
    repository: targetDownloads({
      base: followingRepository(deps.server),
      server: deps.server,
      dataDir,
      maxBytesPerSecond: deps.maxBytesPerSecond,
      log,
    }),
    store: fileTrustStore(dataDir),
    now: () => new Date(),
    requirePq: deps.requirePq,
  });
  const runnerDeps: RunnerDeps = {
    dataDir,
    rootDir: deps.rootDir,
    state: deps.state,
    updater,
    publication: deps.publication,
    log,
    retryDelayMs: deps.retryDelayMs,
    maintenance: deps.maintenance,
    send: deps.send,
    inventory: deps.inventory,
    bases: deps.bases,
    targets: verifiedTargets({
      updater,
      server: deps.server,
      downloadsDir: downloadsDir(dataDir),
      swarm: deps.swarm,
      maxBytesPerSecond: deps.maxBytesPerSecond,
      log,
    }),
    selfUpdate: deps.selfUpdate,
    disconnect: deps.disconnect,
    restart: deps.restart,
  };
  const runner = new PatchRunner(runnerDeps);
  return { runner, commands: new RolloutCommands(runnerDeps, runner) };
}
