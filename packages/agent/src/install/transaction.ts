/** The files installer: plan, stage, journal, preInstall, back up, apply, postInstall, health, commit. */
import { mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { PatchcastError } from '@patchcast/core/base';
import { runHealthChecks } from '../health/health-check.js';
import { applyActions } from './apply.js';
import { crashPoint } from './crash-point.js';
import { backupFiles } from './backup.js';
import { discardTransaction } from './cleanup.js';
import { errnoOf, fsyncPath } from './fs-util.js';
import { assertSucceeded, runStep } from './hooks.js';
import type { StepName } from './hooks.js';
import { setJournalState, writeJournal } from './journal.js';
import { JOURNAL_FORMAT } from './journal-model.js';
import type { Journal } from './journal-model.js';
import { planInstall } from './plan.js';
import type { InstallPlan } from './plan.js';
import { ProgressLog } from './progress-log.js';
import { rollBack } from './rollback.js';
import { stageFiles } from './stage.js';
import { txLayout, txRoot } from './tx-layout.js';
import type { TxLayout } from './tx-layout.js';
import type { InstallOutcome, InstallPhase, InstallRequest } from './types.js';

/** The files installer's transaction; the caller resolved the roots and holds the lock. */
export async function installFiles(
  request: InstallRequest,
  stateInRoot: string | undefined,
  started = performance.now(),
): Promise<InstallOutcome> {
  const plan = await planInstall(request.bundle.manifest, request.root, stateInRoot);
  const tx = await Transaction.begin(request, plan, started);
  return tx.run();
}

type TimedStep = 'stageMs' | 'applyMs' | 'healthMs';

const PASSED_THROUGH = new Set([
  'HOOK_FAILED',
  'HEALTH_CHECK_FAILED',
  'INSTALL_FAILED',
  'DISK_FULL',
]);

/** One install attempt; its methods are the steps in order, each timed into `timings`. */
export class Transaction {
  readonly #request: InstallRequest;
  readonly #plan: InstallPlan;
  readonly #layout: TxLayout;
  readonly #started: number;
  readonly #timings = { stageMs: 0, applyMs: 0, healthMs: 0 };
  #journal: Journal | undefined;
  #healthOutput: string | undefined;

  private constructor(
    request: InstallRequest,
    plan: InstallPlan,
    layout: TxLayout,
    started: number,
  ) {
    this.#request = request;
    this.#plan = plan;
    this.#layout = layout;
    this.#started = started;
  }

  static async begin(request: InstallRequest, plan: InstallPlan, started: number) {
    const txid = `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
    const layout = txLayout(request.stateDir, txid);
    await mkdir(txRoot(request.stateDir), { recursive: true, mode: 0o700 });
    await mkdir(layout.dir, { mode: 0o700 });
    await fsyncPath(txRoot(request.stateDir));
    crashPoint('tx-created');
    return new Transaction(request, plan, layout, started);
  }

  get layout(): TxLayout {
    return this.#layout;
  }

  async run(): Promise<InstallOutcome> {
    try {
      await this.#timed('stageMs', () => this.prepare());
      await this.#timed('applyMs', () => this.apply());
      await this.#timed('healthMs', () => this.verify());
      await this.commit();
    } catch (error) {
      await this.#rollBack(error);
      return this.#outcome('rolled-back', error);
    }
    await this.#discard();
    return this.#outcome('installed');
  }

  /** Steps 2 to 4: stage, write the journal, run preInstall. Nothing in the root changes. */
  async prepare(): Promise<Journal> {
    this.#phase('staging');
    const actions = await stageFiles(this.#request.bundle, this.#plan, this.#layout);
    const { name, version } = this.#request.bundle.manifest;
    const journal: Journal = {
      format: JOURNAL_FORMAT,
      txid: this.#layout.txid,
      root: this.#plan.root,
      patch: { name, version },
      state: 'prepared',
      createdDirs: this.#plan.createdDirs,
      actions,
    };
    await writeJournal(this.#layout, journal);
    this.#journal = journal;
    await this.#step('preInstall');
    crashPoint('pre-install-done');
    return journal;
  }

  /** Steps 5 and 6: back up what will be replaced or removed, then apply. */
  async apply(): Promise<void> {
    const progress = await ProgressLog.open(this.#layout.progress);
    try {
      this.#phase('backing-up');
      await backupFiles(this.#requireJournal(), this.#layout, progress);
      this.#journal = await setJournalState(this.#layout, this.#requireJournal(), 'applying');
      this.#phase('applying');
      await applyActions(this.#requireJournal(), this.#layout, progress);
    } finally {
      await progress.close();
    }
  }

  /** Step 7: postInstall, then the health check. */
  async verify(): Promise<void> {
    this.#phase('post-install');
    await this.#step('postInstall');
    crashPoint('post-install-done');
    this.#phase('health-check');
    await runHealthChecks({
      root: this.#plan.root,
      manifest: this.#request.bundle.manifest,
      env: this.#request.env,
      onOutput: (output) => (this.#healthOutput = output),
    });
    crashPoint('health-done');
  }

  /** Step 8: the commit point is the journal saying so; after it, nothing is rolled back. */
  async commit(): Promise<void> {
    this.#phase('committing');
    this.#journal = await setJournalState(this.#layout, this.#requireJournal(), 'committed');
  }

  async #step(step: Exclude<StepName, 'health'>): Promise<void> {
    const manifest = this.#request.bundle.manifest;
    const spec = manifest.hooks?.[step];
    if (spec === undefined) return;
    const context = { root: this.#plan.root, manifest, env: this.#request.env };
    assertSucceeded(step, await runStep(step, spec, context));
  }

  async #rollBack(error: unknown): Promise<void> {
    this.#phase('rolling-back');
    if (this.#journal !== undefined) {
      try {
        this.#journal = await setJournalState(this.#layout, this.#journal, 'rolling-back');
        await rollBack(this.#journal, this.#layout);
      } catch (rollbackError) {
        throw rollbackFailed(error, rollbackError, this.#layout);
      }
    }
    await this.#discard();
  }

  /** Removing a finished transaction folder may fail harmlessly: recovery removes it later. */
  async #discard(): Promise<void> {
    await discardTransaction(this.#layout, this.#request.stateDir).catch(() => undefined);
  }

  #outcome(status: InstallOutcome['status'], error?: unknown): InstallOutcome {
    const timings = { ...this.#timings, totalMs: performance.now() - this.#started };
    return {
      status,
      ...(error === undefined ? {} : { error: outcomeError(error) }),
      timings,
      ...(this.#healthOutput === undefined ? {} : { healthOutput: this.#healthOutput }),
    };
  }

  async #timed(key: TimedStep, work: () => Promise<unknown>): Promise<void> {
    const start = performance.now();
    try {
      await work();
    } finally {
      this.#timings[key] = performance.now() - start;
    }
  }

  /** An observer that throws must not change the course of the transaction. */
  #phase(phase: InstallPhase): void {
    try {
      this.#request.onPhase?.(phase);
    } catch {
      return;
    }
  }

  #requireJournal(): Journal {
    if (this.#journal === undefined) throw new Error('journal not written yet');
    return this.#journal;
  }
}

export function outcomeError(error: unknown): NonNullable<InstallOutcome['error']> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof PatchcastError && PASSED_THROUGH.has(error.code)) {
    return { code: error.code, message };
  }
  if (errnoOf(error) === 'ENOSPC') return { code: 'DISK_FULL', message };
  return { code: 'INSTALL_FAILED', message };
}

function rollbackFailed(cause: unknown, rollbackError: unknown, layout: TxLayout): PatchcastError {
  const first = cause instanceof Error ? cause.message : String(cause);
  const second = rollbackError instanceof Error ? rollbackError.message : String(rollbackError);
  return new PatchcastError(
    'INSTALL_FAILED',
    `install failed (${first}); rollback did not finish: ${second}`,
    {
      hint: `the journal in ${layout.dir} is kept; recovery (at agent start, or patchcast apply --recover) finishes the rollback`,
      cause: rollbackError,
    },
  );
}
