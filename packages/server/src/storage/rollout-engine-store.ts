/**
 * The planned rollouts' part of the Store (ADR 0011): the engine's snapshot, the inputs that
 * arrived since it was taken, and its decisions. A snapshot is written, together with the
 * decisions it made, before any of its effects reaches a device; inputs are journaled before
 * the engine sees them, so a restarted server replays what the last snapshot lacks.
 */
import type { PendingLogEntry, ReportInput, ReportOutcome, RolloutRecord } from './store.js';
import type { WebhookEventRecord } from './webhook-store.js';
import type { LeaseFence } from './lease-store.js';

/** One decision of the engine as stored (and shown by `rollout status`). */
export interface RolloutDecisionRecord {
  readonly seq: number;
  readonly at: string;
  /** 0-based wave the decision was about. */
  readonly wave: number;
  readonly from: string | null;
  readonly to: string;
  readonly event: string;
  readonly detail: string;
  readonly by: string | null;
}

export interface RolloutSnapshotRecord {
  /** The engine state as JSON text (EngineState of @patchcast/core). */
  readonly snapshot: string;
  /** The last journaled input the snapshot includes (0 for none). */
  readonly inputSeq: number;
}

/** A journaled engine input: JSON text of an EngineInput. */
export interface RolloutInputRecord {
  readonly seq: number;
  readonly input: string;
}

/** Set when the engine reached a final state: the rollout record's state becomes `state`. */
export interface RolloutFinish {
  readonly state: RolloutRecord['state'];
  readonly at: string;
}

/** One step of the rollout driver, stored all or nothing (RolloutEngineStore.save). */
export interface EngineSave {
  readonly snapshot: RolloutSnapshotRecord;
  readonly decisions: readonly RolloutDecisionRecord[];
  readonly finish?: RolloutFinish;
  readonly events?: readonly WebhookEventRecord[];
  readonly logged?: readonly PendingLogEntry[];
  /** On a cluster: the driver's lease (the fenced store sets it). */
  readonly fence?: LeaseFence;
}

/** A device as a rollout's target selection needs it: no inventory parsed. */
export interface FleetEntry {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Revoked or removed (ADR 0029): never a new rollout's target. */
  readonly revoked?: true;
}

/** The devices a new rollout may target: not revoked, not removed. */
export function targetable<T extends FleetEntry>(fleet: readonly T[]): T[] {
  return fleet.filter((d) => d.revoked !== true);
}

/** How a rollout's assignments stand: not final yet, and final but not installed. */
export interface AssignmentCounts {
  readonly open: number;
  readonly unsuccessful: number;
}

export interface RolloutEngineStore {
  /** Every device's id, name and labels (revoked and removed ones too), in enrollment order. */
  fleet(): Promise<FleetEntry[]>;
  /** Counted in the database, so a final report costs the same however large the rollout. */
  assignmentCounts(rolloutId: string): Promise<AssignmentCounts>;
  /**
   * Creates the rollout, one pending assignment per device, the first snapshot and its
   * decisions, the webhook outbox rows of `events` and the pending log entries `logged` (ADR
   * 0033), all or nothing.
   */
  create(
    rollout: RolloutRecord,
    deviceIds: readonly string[],
    snapshot: RolloutSnapshotRecord,
    decisions: readonly RolloutDecisionRecord[],
    events?: readonly WebhookEventRecord[],
    logged?: readonly PendingLogEntry[],
  ): Promise<void>;
  /**
   * Replaces the snapshot and appends its new decisions atomically, with the webhook outbox rows
   * and the pending log entries of `change`; its `finish` ends the rollout. With a fence, nothing
   * is written unless the lease still has the token: LEASE_LOST (checked in the snapshot's UPDATE
   * statement itself, ADR 0014).
   */
  save(rolloutId: string, change: EngineSave): Promise<void>;
  /** Journals one input; returns its sequence number (increasing per rollout, from 1). */
  appendInput(rolloutId: string, input: string): Promise<number>;
  /** Journaled inputs with seq > afterSeq, in order. */
  inputsAfter(rolloutId: string, afterSeq: number): Promise<RolloutInputRecord[]>;
  /** Whether the rollout runs from a plan (has an engine), without reading its state. */
  planned(rolloutId: string): Promise<boolean>;
  /** Undefined for a rollout without an engine (a plain `--devices` rollout). */
  load(rolloutId: string): Promise<RolloutSnapshotRecord | undefined>;
  /** Ids of planned rollouts that have not finished, oldest first. */
  active(): Promise<string[]>;
  decisions(rolloutId: string): Promise<RolloutDecisionRecord[]>;
  /** The timings of each device's latest report that carried timings, by device id. */
  timings(rolloutId: string): Promise<Map<string, Readonly<Record<string, number>>>>;
  /**
   * A device's confirmation that it undid the rollout's install: in one transaction, an
   * `installed` assignment moves to `rolled-back` and the report is stored ('applied'). A
   * report id seen before gives 'duplicate'; an assignment that is not `installed` gives
   * 'stale' and nothing is stored (it may be a final install report: use applyReport). The log
   * holds both steps: device-result, then device-rolled-back (`logged`, written when 'applied').
   */
  applyRollback(report: ReportInput, logged?: readonly PendingLogEntry[]): Promise<ReportOutcome>;
  /**
   * Reopens a finished planned rollout for a rollback: `completed`, `completed-with-failures` or
   * `aborted` becomes `in-progress` again (completed_at cleared), so that a driver resumes it.
   * False if the rollout was in none of those states (nothing changes).
   */
  reopen(rolloutId: string): Promise<boolean>;
}
