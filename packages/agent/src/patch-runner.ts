/**
 * Turns notices into installs, one at a time: refresh TUF metadata (verifying the chain), download
 * the bundle within its signed length and hash, install it transactionally, and report. A notice
 * is only a hint: what gets installed is decided by signed metadata alone.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SecurityError, errorCodeOf, parseEnvelope } from '@patchcast/core';
import type { Updater } from '@patchcast/core';
import { formatPatchRef } from '@patchcast/protocol/agent';
import type {
  AgentMessage,
  DeviceState,
  Health,
  Inventory,
  Notice,
  ParsedBundle,
  PatchRef,
  Report,
} from '@patchcast/protocol';
import { installBundle } from './install/index.js';
import type { AgentState } from './state.js';
import { DeferralStopped } from './maintenance.js';
import type { MaintenanceGate } from './maintenance.js';
import type { LogChecker } from './log/log-checker.js';
import { fileTrustStore } from './tuf-ops.js';
import { installHealth } from './rollout-health.js';
import { captureUndo, discardUndo, readUndo, undoDir } from './rollout-undo.js';
import { currentBootId } from './install/boot-id.js';
import { verifyPatch } from './verify-patch.js';
import { checkNotDowngrade } from './target-checks.js';
import { installSelf } from './self-update/self-installer.js';
import type { SelfUpdateConfig } from './self-update/self-installer.js';
import type { BaseStore } from './delta/base-store.js';
import type { TargetFetcher } from './fetch/verified-target.js';

export interface RunnerDeps {
  readonly dataDir: string;
  readonly rootDir: string;
  readonly state: AgentState;
  readonly updater: Updater;
  readonly publication: Pick<LogChecker, 'checkPublication'>;
  readonly send: (message: AgentMessage) => boolean;
  readonly inventory: () => Inventory;
  readonly log: (line: string) => void;
  readonly retryDelayMs?: number;
  /** Kept bundles of installed versions, the bases of deltas (ADR 0037). */
  readonly bases?: BaseStore;
  /** How target bytes are fetched: pieces from the site's peers or the origin (fetch/). */
  readonly targets?: TargetFetcher;
  /** Holds installs until a maintenance window opens (after the download). */
  readonly maintenance?: Pick<MaintenanceGate, 'wait'>;
  /** Self-updates (`patchcast-agent` patches, ADR 0036): how, closing the channel, restarting. */
  readonly selfUpdate?: SelfUpdateConfig | undefined;
  readonly disconnect?: () => Promise<void>;
  readonly restart?: () => void;
}

const TRANSIENT = new Set(['SERVER_UNREACHABLE', 'SERVER_ERROR', 'NOT_FOUND']);
const ATTEMPTS = 4;

export class PatchRunner {
  readonly #deps: RunnerDeps;
  readonly #queued = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  /** A self-update swapped executables: restart once its result is recorded. */
  #replaced = false;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
  }

  enqueue(notice: Notice): void {
    if (this.#queued.has(notice.rolloutId)) return;
    this.#queued.add(notice.rolloutId);
    this.#chain = this.#chain
      .then(() => this.#handle(notice))
      .catch((error: unknown) =>
        this.#deps.log(`notice ${notice.rolloutId} failed: ${String(error)}`),
      )
      .finally(() => this.#queued.delete(notice.rolloutId));
  }

  /** Queues other work (health checks, rollbacks) behind the installs, one at a time. */
  enqueueTask(label: string, work: () => Promise<void>): void {
    this.#chain = this.#chain
      .then(work)
      .catch((error: unknown) => this.#deps.log(`${label} failed: ${String(error)}`));
  }

  /** Resolves when every queued notice has been handled. */
  idle(): Promise<void> {
    return this.#chain;
  }

  async #handle(notice: Notice): Promise<void> {
    const { state, send } = this.#deps;
    const done = state.data.results[notice.rolloutId];
    if (done !== undefined) {
      send(done); // the server may not have our report yet; it deduplicates by reportId
      return;
    }
    const ref = notice.patch;
    if (state.data.installed.some((p) => p.name === ref.name && p.version === ref.version)) {
      // in force already: an empty undo keeps this rollout's place in the order of undos
      await this.#captureUndo(notice.rolloutId, { ...ref, files: [], removals: [] });
      return this.#finish(notice.rolloutId, ref, 'installed', undefined, {});
    }
    const started = Date.now();
    try {
      const outcome = await this.#withRetries(() => this.#install(notice));
      await this.#finish(
        notice.rolloutId,
        ref,
        outcome.state,
        outcome.error,
        { ...outcome.timings, totalMs: Date.now() - started },
        outcome.health,
        outcome.reboot,
      );
      if (this.#replaced) this.#deps.restart?.();
    } catch (error) {
      if (error instanceof DeferralStopped) return; // the next start installs it in a window
      const code = errorCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      this.#deps.log(
        `${formatPatchRef(ref)}: ${error instanceof SecurityError ? 'REFUSED' : 'failed'}: ${code}: ${message}`,
      );
      await this.#finish(
        notice.rolloutId,
        ref,
        'failed',
        { code, message },
        { totalMs: Date.now() - started },
      );
    }
  }

  async #install(notice: Notice) {
    const { rootDir, dataDir } = this.#deps;
    const { rolloutId, patch: ref } = notice;
    checkNotDowngrade(ref, this.#deps.state.data.installed, notice.allowDowngrade === true);
    this.#progress(rolloutId, ref, 'downloading');
    const t0 = Date.now();
    let downloaded = t0;
    const { bundle, bytes, transfer } = await verifyPatch(this.#deps, ref, {
      refreshed: () => this.#rememberTimestampVersion(),
      downloaded: () => (downloaded = Date.now()),
    });
    const t1 = Date.now();
    await this.#deps.maintenance?.wait(() => this.#progress(rolloutId, ref, 'deferred'));
    this.#progress(rolloutId, ref, 'installing');
    const outcome =
      bundle.manifest.installer?.kind === 'agent'
        ? await this.#installSelf(rolloutId, ref, bundle)
        : await this.#installIntoRoot(rolloutId, bundle, rootDir, dataDir);
    if (outcome.status === 'installed') {
      await this.#keepBase(ref, bytes);
      await this.#deps.state.recordInstalled(ref);
      this.#deps.send({ type: 'inventory', inventory: this.#deps.inventory() });
    }
    const state: DeviceState = outcome.status === 'installed' ? 'installed' : 'rolled-back';
    const timings = {
      downloadMs: downloaded - t0,
      verifyMs: t1 - downloaded,
      installMs: outcome.timings.applyMs + outcome.timings.stageMs,
      healthMs: outcome.timings.healthMs,
      ...transfer, // downloadBytes and savedBytes ride along with the timings (docs/protocol/delta.md)
    };
    const reboot = state === 'installed' && bundle.manifest.rebootRequired === true;
    return { state, error: outcome.error, timings, health: installHealth(outcome), reboot };
  }

  async #installIntoRoot(rolloutId: string, bundle: ParsedBundle, root: string, dataDir: string) {
    const undo = undoDir(dataDir, rolloutId); // the pre-image a rollback command puts back
    await this.#captureUndo(rolloutId, bundle.manifest);
    const outcome = await installBundle({ bundle, root, stateDir: join(dataDir, 'install') });
    if (outcome.status !== 'installed') await discardUndo(undo);
    return outcome;
  }

  /** The agent's own update: staged, swapped, on trial; then the agent restarts either way. */
  async #installSelf(rolloutId: string, patch: PatchRef, bundle: ParsedBundle) {
    const outcome = await installSelf({
      bundle,
      rolloutId,
      patch,
      dataDir: this.#deps.dataDir,
      config: this.#deps.selfUpdate,
      disconnect: this.#deps.disconnect ?? (() => Promise.resolve()),
      log: this.#deps.log,
    });
    this.#replaced = true;
    return outcome;
  }

  /**
   * Keeps the pre-image for a rollback of this rollout. One captured by an earlier attempt of the
   * same install is kept: that attempt was rolled back (crash recovery) or committed, and in both
   * cases the files from before it are the ones it captured.
   */
  async #captureUndo(rolloutId: string, manifest: Parameters<typeof captureUndo>[2]) {
    const dir = undoDir(this.#deps.dataDir, rolloutId);
    const kept = await readUndo(dir).catch(() => undefined);
    if (kept?.name === manifest.name && kept.version === manifest.version) return;
    const previous = this.#deps.state.data.installed.find((p) => p.name === manifest.name);
    const version = previous?.version ?? null;
    await captureUndo(dir, this.#deps.rootDir, manifest, version);
  }

  /** The installed bundle becomes the base of the next version's delta; a failure costs a delta. */
  async #keepBase(ref: PatchRef, bytes: Uint8Array): Promise<void> {
    await this.#deps.bases
      ?.keep(ref.name, bytes)
      .catch((error: unknown) =>
        this.#deps.log(`${formatPatchRef(ref)}: bundle not kept for deltas: ${String(error)}`),
      );
  }

  async #withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const transient = !(error instanceof SecurityError) && TRANSIENT.has(errorCodeOf(error));
        if (!transient || attempt >= ATTEMPTS) throw error;
        const delay =
          (this.#deps.retryDelayMs ?? 1000) * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        this.#deps.log(
          `transient failure (${errorCodeOf(error)}); retrying in ${Math.round(delay)} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #rememberTimestampVersion(): Promise<void> {
    const bytes = await fileTrustStore(this.#deps.dataDir).load('timestamp');
    if (bytes === null) return;
    const version = parseEnvelope('timestamp', bytes).signed.version;
    await this.#deps.state.update((d) => ({
      ...d,
      lastTimestampVersion: Math.max(d.lastTimestampVersion, version),
    }));
  }

  #progress(rolloutId: string, patch: PatchRef, state: DeviceState): void {
    this.#deps.send({ type: 'report', reportId: randomUUID(), rolloutId, patch, state });
  }

  async #finish(
    rolloutId: string,
    patch: PatchRef,
    state: DeviceState,
    error: { code: string; message: string } | undefined,
    timings: Record<string, number>,
    health?: Health,
    rebootRequired = false,
  ): Promise<void> {
    const report: Report = {
      type: 'report',
      reportId: randomUUID(),
      rolloutId,
      patch,
      state,
      ...(error ? { error } : {}),
      timings,
      ...(health ? { health } : {}),
      ...(rebootRequired ? { rebootRequired: true as const, bootId: await currentBootId() } : {}),
    };
    await this.#deps.state.recordResult(report);
    const reboot = rebootRequired ? ' (reboot required)' : '';
    this.#deps.log(`${formatPatchRef(patch)}: ${state}${error ? ` (${error.code})` : ''}${reboot}`);
    this.#deps.send(report);
  }
}
