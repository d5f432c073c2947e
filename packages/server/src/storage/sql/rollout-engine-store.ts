/** The planned-rollout tables (storage/rollout-engine-store.ts, ADR 0011) on the query port. */
import { toDecision } from '../rows.js';
import type { DecisionRow } from '../rows.js';
import type {
  AssignmentCounts,
  EngineSave,
  FleetEntry,
  RolloutDecisionRecord,
  RolloutEngineStore,
  RolloutInputRecord,
  RolloutSnapshotRecord,
} from '../rollout-engine-store.js';
import type { PendingLogEntry, ReportInput, ReportOutcome, RolloutRecord } from '../store.js';
import { insertPending } from './pending.js';
import { fenceClause, fenceParams } from './lease-store.js';
import { leaseLost } from '../lease-store.js';
import type { SqlDb, SqlQueries } from './sql-db.js';
import { FINAL_STATES_SQL, insertReport, insertRollout } from './assignments.js';
import type { WebhookEventRecord } from '../webhook-store.js';
import { enqueueWebhookEvents } from './webhook-store.js';

export class SqlRolloutEngineStore implements RolloutEngineStore {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async fleet(): Promise<FleetEntry[]> {
    const rows = await this.#db.rows<{
      id: string;
      name: string;
      labels: string;
      revoked_at: string | null;
    }>('SELECT id, name, labels, revoked_at FROM devices ORDER BY enrolled_at, id');
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      labels: JSON.parse(row.labels) as Record<string, string>,
      ...(row.revoked_at === null ? {} : { revoked: true as const }),
    }));
  }

  async assignmentCounts(rolloutId: string): Promise<AssignmentCounts> {
    const row = await this.#db.one<{ open: number; unsuccessful: number }>(
      `SELECT COUNT(*) FILTER (WHERE state NOT IN (${FINAL_STATES_SQL})) AS open,
              COUNT(*) FILTER (WHERE state IN (${FINAL_STATES_SQL}) AND state <> 'installed')
                AS unsuccessful
       FROM assignments WHERE rollout_id = $1`,
      [rolloutId],
    );
    return { open: Number(row?.open ?? 0), unsuccessful: Number(row?.unsuccessful ?? 0) };
  }

  create(
    r: RolloutRecord,
    deviceIds: readonly string[],
    snapshot: RolloutSnapshotRecord,
    decisions: readonly RolloutDecisionRecord[],
    events: readonly WebhookEventRecord[] = [],
    logged: readonly PendingLogEntry[] = [],
  ): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await insertRollout(tx, r, deviceIds);
      await enqueueWebhookEvents(tx, events);
      await tx.run(
        'INSERT INTO rollout_engines (rollout_id, snapshot, input_seq) VALUES ($1, $2, $3)',
        [r.id, snapshot.snapshot, snapshot.inputSeq],
      );
      await insertDecisions(tx, r.id, decisions);
      await insertPending(tx, logged);
    });
  }

  save(rolloutId: string, change: EngineSave): Promise<void> {
    const { snapshot, finish, fence } = change;
    return this.#db.transaction(async (tx) => {
      // First, so that the lease row stays locked (PostgreSQL) for the rest of the transaction.
      const saved = await tx.run(
        `UPDATE rollout_engines SET snapshot = $1, input_seq = $2 WHERE rollout_id = $3
         AND ${fenceClause(tx.dialect, 4)}`,
        [snapshot.snapshot, snapshot.inputSeq, rolloutId, ...fenceParams(fence)],
      );
      if (saved === 0 && fence !== undefined) throw leaseLost(rolloutId, fence);
      await enqueueWebhookEvents(tx, change.events ?? []);
      await insertDecisions(tx, rolloutId, change.decisions);
      if (finish !== undefined)
        await tx.run(
          "UPDATE rollouts SET state = $1, completed_at = $2 WHERE id = $3 AND state = 'in-progress'",
          [finish.state, finish.at, rolloutId],
        );
      await insertPending(tx, change.logged ?? []);
    });
  }

  appendInput(rolloutId: string, input: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await tx.lock(`rollout-inputs:${rolloutId}`);
      const last = await tx.one<{ seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM rollout_inputs WHERE rollout_id = $1',
        [rolloutId],
      );
      const seq = (last?.seq ?? 0) + 1;
      await tx.run('INSERT INTO rollout_inputs (rollout_id, seq, input) VALUES ($1, $2, $3)', [
        rolloutId,
        seq,
        input,
      ]);
      return seq;
    });
  }

  inputsAfter(rolloutId: string, afterSeq: number): Promise<RolloutInputRecord[]> {
    return this.#db.rows<RolloutInputRecord>(
      'SELECT seq, input FROM rollout_inputs WHERE rollout_id = $1 AND seq > $2 ORDER BY seq',
      [rolloutId, afterSeq],
    );
  }

  async load(rolloutId: string): Promise<RolloutSnapshotRecord | undefined> {
    const row = await this.#db.one<{ snapshot: string; input_seq: number }>(
      'SELECT snapshot, input_seq FROM rollout_engines WHERE rollout_id = $1',
      [rolloutId],
    );
    return row && { snapshot: row.snapshot, inputSeq: row.input_seq };
  }

  async planned(rolloutId: string): Promise<boolean> {
    const row = await this.#db.one('SELECT 1 FROM rollout_engines WHERE rollout_id = $1', [
      rolloutId,
    ]);
    return row !== undefined;
  }

  async active(): Promise<string[]> {
    const rows = await this.#db.rows<{ id: string }>(
      `SELECT r.id FROM rollouts r JOIN rollout_engines e ON e.rollout_id = r.id
       WHERE r.state = 'in-progress' ORDER BY r.created_at, r.id`,
    );
    return rows.map((row) => row.id);
  }

  async decisions(rolloutId: string): Promise<RolloutDecisionRecord[]> {
    const rows = await this.#db.rows<DecisionRow>(
      'SELECT * FROM rollout_decisions WHERE rollout_id = $1 ORDER BY seq',
      [rolloutId],
    );
    return rows.map(toDecision);
  }

  async timings(rolloutId: string): Promise<Map<string, Readonly<Record<string, number>>>> {
    const rows = await this.#db.rows<{ device_id: string; timings: string }>(
      `SELECT device_id, timings FROM reports
       WHERE rollout_id = $1 AND timings IS NOT NULL ORDER BY at, report_id`,
      [rolloutId],
    );
    return new Map(
      rows.map((row) => [row.device_id, JSON.parse(row.timings) as Record<string, number>]),
    );
  }

  async applyRollback(
    r: ReportInput,
    logged: readonly PendingLogEntry[] = [],
  ): Promise<ReportOutcome> {
    return this.#db.transaction(async (tx): Promise<ReportOutcome> => {
      const seen = await tx.one('SELECT 1 FROM reports WHERE report_id = $1', [r.reportId]);
      if (seen !== undefined) return 'duplicate';
      const moved = await tx.run(
        `UPDATE assignments SET state = 'rolled-back', updated_at = $1
         WHERE rollout_id = $2 AND device_id = $3 AND state = 'installed'`,
        [r.at, r.rolloutId, r.deviceId],
      );
      if (moved === 0) return 'stale';
      const inserted = await insertReport(tx, r);
      if (inserted === 0) throw new Error(`report ${r.reportId} was stored concurrently`);
      await insertPending(tx, logged);
      return 'applied';
    });
  }

  async reopen(rolloutId: string): Promise<boolean> {
    const changed = await this.#db.run(
      `UPDATE rollouts SET state = 'in-progress', completed_at = NULL
       WHERE id = $1 AND state IN ('completed', 'completed-with-failures', 'aborted')
         AND EXISTS (SELECT 1 FROM rollout_engines e WHERE e.rollout_id = rollouts.id)`,
      [rolloutId],
    );
    return changed > 0;
  }
}

async function insertDecisions(
  tx: SqlQueries,
  rolloutId: string,
  decisions: readonly RolloutDecisionRecord[],
): Promise<void> {
  for (const d of decisions)
    await tx.run(
      `INSERT INTO rollout_decisions
         (rollout_id, seq, at, wave, from_state, to_state, event, detail, by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [rolloutId, d.seq, d.at, d.wave, d.from, d.to, d.event, d.detail, d.by],
    );
}
