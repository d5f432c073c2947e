import { toDecision } from '../rows.js';
import type { DecisionRow } from '../rows.js';
import { settle } from './sqlite-sql.js';
import type Database from 'better-sqlite3';
import type { WebhookEventRecord } from '../webhook-store.js';
import { enqueueWebhookEvents } from './sqlite-webhook-store.js';
import { FINAL_DEVICE_STATES } from '@patchcast/protocol';
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
import { insertPending } from './sqlite-log-store.js';
import { FENCE_CLAUSE, fenceParams } from './sqlite-fence.js';
import { leaseLost } from '../lease-store.js';
import { insertRollout } from './sqlite-assignments.js';

const FINAL_LIST = FINAL_DEVICE_STATES.map((s) => `'${s}'`).join(',');

/** The planned-rollout tables of the SQLite store (see SQLITE_MIGRATIONS, rollout engine). */
export class SqliteRolloutEngineStore implements RolloutEngineStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  fleet(): Promise<FleetEntry[]> {
    return settle(() => {
      const rows = this.#db
        .prepare('SELECT id, name, labels, revoked_at FROM devices ORDER BY enrolled_at, id')
        .all() as { id: string; name: string; labels: string; revoked_at: string | null }[];
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        labels: JSON.parse(row.labels) as Record<string, string>,
        ...(row.revoked_at === null ? {} : { revoked: true as const }),
      }));
    });
  }

  assignmentCounts(rolloutId: string): Promise<AssignmentCounts> {
    return settle(() => {
      const row = this.#db
        .prepare(
          `SELECT COUNT(*) FILTER (WHERE state NOT IN (${FINAL_LIST})) AS open,
                  COUNT(*) FILTER (WHERE state IN (${FINAL_LIST}) AND state != 'installed')
                    AS unsuccessful
           FROM assignments WHERE rollout_id = ?`,
        )
        .get(rolloutId) as { open: number; unsuccessful: number };
      return { open: row.open, unsuccessful: row.unsuccessful };
    });
  }

  create(
    r: RolloutRecord,
    deviceIds: readonly string[],
    snapshot: RolloutSnapshotRecord,
    decisions: readonly RolloutDecisionRecord[],
    events: readonly WebhookEventRecord[] = [],
    logged: readonly PendingLogEntry[] = [],
  ): Promise<void> {
    return settle(() => {
      this.#db
        .transaction(() => {
          insertRollout(this.#db, r, deviceIds);
          enqueueWebhookEvents(this.#db, events);
          this.#db
            .prepare(
              'INSERT INTO rollout_engines (rollout_id, snapshot, input_seq) VALUES (?, ?, ?)',
            )
            .run(r.id, snapshot.snapshot, snapshot.inputSeq);
          this.#insertDecisions(r.id, decisions);
          insertPending(this.#db, logged);
        })
        .immediate();
    });
  }

  save(rolloutId: string, change: EngineSave): Promise<void> {
    const { snapshot, finish, fence } = change;
    return settle(() => {
      this.#db
        .transaction(() => {
          const saved = this.#db
            .prepare(
              `UPDATE rollout_engines SET snapshot = ?, input_seq = ? WHERE rollout_id = ?
               AND ${FENCE_CLAUSE}`,
            )
            .run(snapshot.snapshot, snapshot.inputSeq, rolloutId, ...fenceParams(fence));
          if (saved.changes === 0 && fence !== undefined) throw leaseLost(rolloutId, fence);
          enqueueWebhookEvents(this.#db, change.events ?? []);
          this.#insertDecisions(rolloutId, change.decisions);
          if (finish !== undefined)
            this.#db
              .prepare(
                "UPDATE rollouts SET state = ?, completed_at = ? WHERE id = ? AND state = 'in-progress'",
              )
              .run(finish.state, finish.at, rolloutId);
          insertPending(this.#db, change.logged ?? []);
        })
        .immediate();
    });
  }

  #insertDecisions(rolloutId: string, decisions: readonly RolloutDecisionRecord[]): void {
    const insert = this.#db.prepare(
      'INSERT OR IGNORE INTO rollout_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const d of decisions)
      insert.run(rolloutId, d.seq, d.at, d.wave, d.from, d.to, d.event, d.detail, d.by);
  }

  appendInput(rolloutId: string, input: string): Promise<number> {
    return settle(() =>
      this.#db
        .transaction(() => {
          const last = this.#db
            .prepare('SELECT MAX(seq) AS seq FROM rollout_inputs WHERE rollout_id = ?')
            .get(rolloutId) as { seq: number | null };
          const seq = (last.seq ?? 0) + 1;
          this.#db
            .prepare('INSERT INTO rollout_inputs VALUES (?, ?, ?)')
            .run(rolloutId, seq, input);
          return seq;
        })
        .immediate(),
    );
  }

  inputsAfter(rolloutId: string, afterSeq: number): Promise<RolloutInputRecord[]> {
    return settle(
      () =>
        this.#db
          .prepare(
            'SELECT seq, input FROM rollout_inputs WHERE rollout_id = ? AND seq > ? ORDER BY seq',
          )
          .all(rolloutId, afterSeq) as RolloutInputRecord[],
    );
  }

  load(rolloutId: string): Promise<RolloutSnapshotRecord | undefined> {
    return settle(() => {
      const row = this.#db
        .prepare('SELECT snapshot, input_seq FROM rollout_engines WHERE rollout_id = ?')
        .get(rolloutId) as { snapshot: string; input_seq: number } | undefined;
      return row && { snapshot: row.snapshot, inputSeq: row.input_seq };
    });
  }

  planned(rolloutId: string): Promise<boolean> {
    return settle(
      () =>
        this.#db.prepare('SELECT 1 FROM rollout_engines WHERE rollout_id = ?').get(rolloutId) !==
        undefined,
    );
  }

  active(): Promise<string[]> {
    return settle(() => {
      const rows = this.#db
        .prepare(
          `SELECT r.id FROM rollouts r JOIN rollout_engines e ON e.rollout_id = r.id
           WHERE r.state = 'in-progress' ORDER BY r.created_at, r.id`,
        )
        .all() as { id: string }[];
      return rows.map((row) => row.id);
    });
  }

  decisions(rolloutId: string): Promise<RolloutDecisionRecord[]> {
    return settle(() => {
      const rows = this.#db
        .prepare('SELECT * FROM rollout_decisions WHERE rollout_id = ? ORDER BY seq')
        .all(rolloutId) as DecisionRow[];
      return rows.map(toDecision);
    });
  }

  timings(rolloutId: string): Promise<Map<string, Readonly<Record<string, number>>>> {
    return settle(() => {
      const rows = this.#db
        .prepare(
          `SELECT device_id, timings FROM reports
           WHERE rollout_id = ? AND timings IS NOT NULL ORDER BY at, rowid`,
        )
        .all(rolloutId) as { device_id: string; timings: string }[];
      return new Map(
        rows.map((row) => [row.device_id, JSON.parse(row.timings) as Record<string, number>]),
      );
    });
  }

  applyRollback(r: ReportInput, logged: readonly PendingLogEntry[] = []): Promise<ReportOutcome> {
    return settle(() =>
      this.#db
        .transaction((): ReportOutcome => {
          const seen = this.#db
            .prepare('SELECT 1 FROM reports WHERE report_id = ?')
            .get(r.reportId);
          if (seen !== undefined) return 'duplicate';
          const moved = this.#db
            .prepare(
              `UPDATE assignments SET state = 'rolled-back', updated_at = ?
               WHERE rollout_id = ? AND device_id = ? AND state = 'installed'`,
            )
            .run(r.at, r.rolloutId, r.deviceId);
          if (moved.changes === 0) return 'stale';
          this.#db
            .prepare('INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
            .run(
              r.reportId,
              r.rolloutId,
              r.deviceId,
              r.state,
              r.error?.code ?? null,
              r.error?.message ?? null,
              r.timings === null ? null : JSON.stringify(r.timings),
              r.at,
            );
          insertPending(this.#db, logged);
          return 'applied';
        })
        .immediate(),
    );
  }

  reopen(rolloutId: string): Promise<boolean> {
    return settle(
      () =>
        this.#db
          .prepare(
            `UPDATE rollouts SET state = 'in-progress', completed_at = NULL
             WHERE id = ? AND state IN ('completed', 'completed-with-failures', 'aborted')
               AND EXISTS (SELECT 1 FROM rollout_engines e WHERE e.rollout_id = rollouts.id)`,
          )
          .run(rolloutId).changes > 0,
    );
  }
}
