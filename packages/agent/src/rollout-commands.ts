/**
 * The agent's part in planned rollouts: a control device runs the patch's health check without
 * installing (`health-request`), and a patched device undoes its install (`rollback`). Both run
 * behind the installs, one at a time, and verify the patch exactly as an install would.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PatchcastError, errorCodeOf } from '@patchcast/core/base';
import type { ErrorCode } from '@patchcast/core/base';
import { AGENT_PATCH_NAME, formatPatchRef, readBundle, targetPathOf } from '@patchcast/protocol';
import type { HealthRequest, Report, RollbackCommand } from '@patchcast/protocol';
import type { PatchRunner, RunnerDeps } from './patch-runner.js';
import { controlHealth } from './rollout-health.js';
import { applyUndo, discardUndo, readUndo, staleReason, undoDir } from './rollout-undo.js';
import type { UndoRecord } from './rollout-undo.js';
import type { AgentStateData } from './state.js';

/** An agent update keeps no pre-image to undo: the way back is the previous version (ADR 0036). */
const AGENT_UNDO =
  'an agent update is undone by rolling out the previous agent version (rollout start patchcast-agent@OLD --allow-downgrade)';
const CODE: ErrorCode = 'SELF_UPDATE_UNSUPPORTED';

export class RolloutCommands {
  readonly #deps: RunnerDeps;
  readonly #runner: PatchRunner;

  constructor(deps: RunnerDeps, runner: PatchRunner) {
    this.#deps = deps;
    this.#runner = runner;
  }

  healthCheck(request: HealthRequest): void {
    this.#runner.enqueueTask(`health check for ${request.rolloutId}`, () => this.#control(request));
  }

  rollback(command: RollbackCommand): void {
    this.#runner.enqueueTask(`rollback of ${command.rolloutId}`, () => this.#rollback(command));
  }

  /** Refreshes TUF, downloads and checks the bundle like an install, then runs only its check. */
  async #control(request: HealthRequest): Promise<void> {
    const { updater, publication, rootDir, send, log } = this.#deps;
    const ref = request.patch;
    await updater.refresh();
    const { info, bytes } = await updater.download(targetPathOf(ref));
    await publication.checkPublication(ref, info);
    const bundle = readBundle(bytes);
    if (bundle.manifest.name !== ref.name || bundle.manifest.version !== ref.version)
      throw new PatchcastError('BUNDLE_MALFORMED', `bundle is not ${formatPatchRef(ref)}`);
    const health = await controlHealth(bundle, rootDir);
    log(`${formatPatchRef(ref)}: control health ${health.healthy ? 'ok' : 'failing'}`);
    send({ type: 'health', rolloutId: request.rolloutId, wave: request.wave, ...health });
  }

  /**
   * Undoes this rollout's install, if it is the install in force (ADR 0015); otherwise reports
   * ROLLBACK_STALE and changes nothing. The installed version becomes the one the install
   * replaced, in the same state write as the final report (a crash before it repeats the undo,
   * which puts back the same pre-image; a crash after it resends the report).
   */
  async #rollback(command: RollbackCommand): Promise<void> {
    const { dataDir, rootDir, state, log } = this.#deps;
    const prior = state.data.results[command.rolloutId];
    if (prior?.state === 'rolled-back' || prior?.state === 'failed') {
      this.#deps.send(prior); // nothing of this rollout is installed: confirm again
      return;
    }
    if (command.patch.name === AGENT_PATCH_NAME) return this.#refuse(command, AGENT_UNDO, CODE);
    const dir = undoDir(dataDir, command.rolloutId);
    const record = await readUndo(dir).catch(() => undefined);
    const { name } = command.patch;
    const installed = state.data.installed.find((p) => p.name === name)?.version;
    const stale = record && (await staleReason(dir, record, installed));
    if (stale !== undefined) return this.#refuse(command, stale);
    const started = Date.now();
    try {
      const outcome = await applyUndo(dir, rootDir, join(dataDir, 'install'));
      if (outcome === undefined && prior !== undefined)
        throw new PatchcastError('INSTALL_FAILED', 'no pre-image was kept for this install');
      if (typeof outcome === 'object' && outcome.status !== 'installed')
        throw new PatchcastError('INSTALL_FAILED', outcome.error?.message ?? 'the undo failed');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${formatPatchRef(command.patch)}: rollback failed: ${errorCodeOf(error)}: ${message}`);
      return;
    }
    const timings = { ...(prior?.timings ?? {}), rollbackMs: Date.now() - started };
    await this.#confirm(command, record, timings);
    await discardUndo(dir);
  }

  /** Tells the server why this undo would be wrong; nothing changed, nothing is recorded. */
  #refuse(command: RollbackCommand, reason: string, code: ErrorCode = 'ROLLBACK_STALE'): void {
    this.#deps.log(`${formatPatchRef(command.patch)}: rollback REFUSED: ${code}: ${reason}`);
    this.#deps.send({
      type: 'report',
      reportId: randomUUID(),
      rolloutId: command.rolloutId,
      patch: command.patch,
      state: 'failed',
      error: { code, message: reason },
    });
  }

  async #confirm(
    command: RollbackCommand,
    record: UndoRecord | undefined,
    timings: Record<string, number>,
  ): Promise<void> {
    const report: Report = {
      type: 'report',
      reportId: randomUUID(),
      rolloutId: command.rolloutId,
      patch: command.patch,
      state: 'rolled-back',
      timings,
    };
    const { name, version } = command.patch;
    const previous = record?.previous ?? null;
    const undone = record !== undefined;
    await this.#deps.state.update((d) => ({
      ...d,
      installed: undone ? restoredInstalls(d.installed, name, version, previous) : d.installed,
      results: { ...d.results, [report.rolloutId]: report },
      outbox: [...d.outbox, report],
    }));
    this.#deps.send({ type: 'inventory', inventory: this.#deps.inventory() });
    this.#deps.log(`${formatPatchRef(command.patch)}: rolled back by the rollout`);
    this.#deps.send(report);
  }
}

type Installed = AgentStateData['installed'];

/** After an undo: the patch's version is the one the install replaced, or none. */
function restoredInstalls(
  installed: Installed,
  name: string,
  version: string,
  previous: string | null,
): Installed {
  const others = installed.filter((p) => p.name !== name);
  const current = installed.find((p) => p.name === name);
  if (current !== undefined && current.version !== version) return installed;
  if (previous === null) return others;
  return [...others, { name, version: previous, installedAt: new Date().toISOString() }];
}
