/**
 * Device inputs of rollouts that run on the engine: install results, rollback confirmations and
 * refusals (ADR 0015), control-cohort health. The node driving a rollout feeds its engine; any
 * other node stores the report and journals the engine input for the driving node.
 */
import type { EngineInput } from '@patchcast/core';
import { FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { HealthMessage, Report } from '@patchcast/protocol';
import type { ReportInput, ReportOutcome } from '../../storage/store.js';
import { deviceResultEvents, deviceRolledBack, pendingEntries } from '../log/log-events.js';
import type { RolloutDeps } from './rollout-service.js';
import type { RolloutDriver } from './rollout-driver.js';
import { installFailed } from '../webhooks/webhook-events.js';
import { crashPoint } from '../../crash-point.js';
import { CoalescedCatchUp } from './coalesced-catch-up.js';

export class RolloutReports {
  readonly #deps: RolloutDeps;
  readonly #driver: RolloutDriver;
  readonly #catchUp: CoalescedCatchUp;

  constructor(deps: RolloutDeps, driver: RolloutDriver) {
    this.#deps = deps;
    this.#driver = driver;
    this.#catchUp = new CoalescedCatchUp(driver);
  }

  /** A report of a device in a rollout this node drives. */
  async report(input: ReportInput, report: Report): Promise<ReportOutcome> {
    const { store } = this.#deps;
    const { rolloutId, deviceId, at } = input;
    const time = Date.parse(at);
    const rollback = this.#driver.peek(rolloutId)?.rollback;
    if (isUndoRefusal(report)) {
      const outcome = await store.applyReport(input); // kept with the device's reports
      if (rollback?.waiting[deviceId] === true)
        await this.#driver.input(rolloutId, undoRefused(time, deviceId, report));
      return outcome === 'stale' ? 'applied' : outcome;
    }
    if (report.state === 'rolled-back' && rollback?.waiting[deviceId] === true) {
      const outcome = await this.#applyRollback(input, report);
      await this.#driver.input(rolloutId, { type: 'device-rolled-back', at: time, deviceId });
      return outcome;
    }
    const outcome = await this.#applyResult(input, report);
    if (!FINAL_DEVICE_STATES.includes(report.state)) return outcome;
    await this.#installFailed(input, report, outcome);
    if (outcome === 'applied' || outcome === 'duplicate') {
      // Journaled here and taken in by a coalesced catch-up (ADR 0038): one engine step per
      // batch of reports, not per report.
      const result = deviceResult(time, deviceId, report);
      await store.rolloutEngine.appendInput(rolloutId, JSON.stringify(result));
      await this.#catchUp.request(rolloutId);
    }
    return outcome;
  }

  /**
   * device.install-failed (failed, or undone by the agent after a failed health check), queued
   * after the report is stored: a duplicate (the agent resends until acknowledged) queues it
   * again under the same event id, so a crash in between loses nothing and sends nothing twice.
   */
  async #installFailed(input: ReportInput, report: Report, outcome: ReportOutcome) {
    const failed = report.state === 'failed' || report.state === 'rolled-back';
    if (!failed || (outcome !== 'applied' && outcome !== 'duplicate')) return;
    await this.#deps.store.webhooks.enqueue([installFailed(input, report.patch)]);
  }

  /**
   * Stores a report with its device-result entries (a final one) in one transaction, and answers
   * once they are in the log (ADR 0033); a duplicate waits too, as its first copy's may not be.
   */
  async #applyResult(input: ReportInput, report: Report): Promise<ReportOutcome> {
    const { store, log } = this.#deps;
    const logged = pendingEntries(deviceResultEvents(input, report.patch));
    const outcome = await store.applyReport(input, logged);
    if (logged.length > 0 && (outcome === 'applied' || outcome === 'duplicate')) {
      crashPoint('device-result-stored');
      await log.sequencePending();
    }
    return outcome;
  }

  /** Stores a rollback confirmation; an installed assignment moved to rolled-back is logged. */
  async #applyRollback(input: ReportInput, report: Report): Promise<ReportOutcome> {
    const logged = pendingEntries([deviceRolledBack(input, report.patch)]);
    const outcome = await this.#deps.store.rolloutEngine.applyRollback(input, logged);
    if (outcome === 'applied' || outcome === 'duplicate') await this.#deps.log.sequencePending();
    return outcome;
  }

  /**
   * A report of a device in a planned rollout that another node drives: stored here, its engine
   * input journaled for the driving node (which catches up when the bus announces the result).
   */
  async reportElsewhere(input: ReportInput, report: Report): Promise<ReportOutcome> {
    const { store } = this.#deps;
    const { rolloutId, deviceId } = input;
    const at = Date.parse(input.at);
    const journal = (engineInput: EngineInput) =>
      store.rolloutEngine.appendInput(rolloutId, JSON.stringify(engineInput));
    if (isUndoRefusal(report)) {
      const outcome = await store.applyReport(input);
      if (outcome !== 'duplicate') await journal(undoRefused(at, deviceId, report));
      return outcome === 'stale' ? 'applied' : outcome;
    }
    if (
      report.state === 'rolled-back' &&
      (await this.#applyRollback(input, report)) === 'applied'
    ) {
      await journal({ type: 'device-rolled-back', at, deviceId }); // undo of an install
      return 'applied';
    }
    const outcome = await this.#applyResult(input, report);
    const final = FINAL_DEVICE_STATES.includes(report.state);
    await this.#installFailed(input, report, outcome);
    if (final && (outcome === 'applied' || outcome === 'duplicate'))
      await journal(deviceResult(at, deviceId, report));
    return outcome;
  }

  /** A control device's health for a wave. */
  async health(deviceId: string, message: HealthMessage): Promise<void> {
    const input: EngineInput = {
      type: 'control-report',
      at: this.#deps.now().getTime(),
      wave: message.wave,
      deviceId,
      healthy: message.healthy,
      metrics: message.metrics,
    };
    if (this.#driver.has(message.rolloutId)) await this.#driver.input(message.rolloutId, input);
    else if (await this.#deps.store.rolloutEngine.planned(message.rolloutId))
      await this.#deps.store.rolloutEngine.appendInput(message.rolloutId, JSON.stringify(input));
  }
}

function deviceResult(at: number, deviceId: string, report: Report): EngineInput {
  return {
    type: 'device-result',
    at,
    deviceId,
    ok: report.state === 'installed',
    ...(report.health ? { metrics: report.health.metrics } : {}),
  };
}

/** An agent's refusal of a rollback command: a later install is on disk (ROLLBACK_STALE). */
function isUndoRefusal(report: Report): boolean {
  return report.state === 'failed' && report.error?.code === 'ROLLBACK_STALE';
}

function undoRefused(at: number, deviceId: string, report: Report): EngineInput {
  const reason = report.error?.message ?? 'a later install is on disk';
  return { type: 'device-rollback-refused', at, deviceId, reason };
}
