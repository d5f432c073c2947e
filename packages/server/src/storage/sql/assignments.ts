/** Rollouts, their assignments and device reports on the query port. */
import { FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { DeviceState, RolloutState } from '@patchcast/protocol';
import type {
  AssignmentRecord,
  PendingLogEntry,
  ReportInput,
  ReportOutcome,
  RolloutEnd,
  RolloutRecord,
} from '../store.js';
import { fenceClause, fenceParams } from './lease-store.js';
import { insertPending } from './pending.js';
import { toAssignment, toRollout } from '../rows.js';
import type { AssignmentRow, RolloutRow } from '../rows.js';
import { isForward } from '../report-rules.js';
import type { SqlDb, SqlQueries } from './sql-db.js';
import type { AssignmentsPart } from '../store-parts.js';

/** The final device states as an SQL list: `'installed', 'failed', ...`. */
export const FINAL_STATES_SQL = FINAL_DEVICE_STATES.map((s) => `'${s}'`).join(', ');

/**
 * A rollout row and one pending assignment per device, inside the caller's transaction: every
 * assignment in one statement (docs/PERFORMANCE.md, notice to 10,000 agents).
 */
export async function insertRollout(
  tx: SqlQueries,
  r: RolloutRecord,
  deviceIds: readonly string[],
): Promise<void> {
  await tx.run(
    `INSERT INTO rollouts (id, name, version, target_path, selector, state, created_at,
       created_by, completed_at, allow_downgrade)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      r.id,
      r.patch.name,
      r.patch.version,
      r.targetPath,
      JSON.stringify(r.selector),
      r.state,
      r.createdAt,
      r.createdBy,
      r.completedAt,
      r.allowDowngrade === true,
    ],
  );
  await tx.run(
    `INSERT INTO assignments (rollout_id, device_id, state, updated_at)
     SELECT $1, value, 'pending', $2 FROM ${tx.dialect.listTable('$3', 'text')}`,
    [r.id, r.createdAt, tx.dialect.list(deviceIds)],
  );
}

/** Stores a report once; how many rows it wrote (0: its id was stored already). */
export function insertReport(tx: SqlQueries, r: ReportInput): Promise<number> {
  return tx.run(
    `INSERT INTO reports
       (report_id, rollout_id, device_id, state, error_code, error_message, timings, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (report_id) DO NOTHING`,
    [
      r.reportId,
      r.rolloutId,
      r.deviceId,
      r.state,
      r.error?.code ?? null,
      r.error?.message ?? null,
      r.timings === null ? null : JSON.stringify(r.timings),
      r.at,
    ],
  );
}

export class SqlAssignments implements AssignmentsPart {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  createRollout(r: RolloutRecord, deviceIds: readonly string[]): Promise<void> {
    return this.#db.transaction((tx) => insertRollout(tx, r, deviceIds));
  }

  async getRollout(id: string): Promise<RolloutRecord | undefined> {
    const row = await this.#db.one<RolloutRow>('SELECT * FROM rollouts WHERE id = $1', [id]);
    return row && toRollout(row);
  }

  async listRollouts(state?: RolloutState): Promise<RolloutRecord[]> {
    const where = state === undefined ? '' : 'WHERE state = $1 ';
    const rows = await this.#db.rows<RolloutRow>(
      `SELECT * FROM rollouts ${where}ORDER BY created_at DESC, id`,
      state === undefined ? [] : [state],
    );
    return rows.map(toRollout);
  }

  async rolloutStateCounts(): Promise<Partial<Record<RolloutState, number>>> {
    const rows = await this.#db.rows<{ state: RolloutState; n: number | string }>(
      'SELECT state, COUNT(*) AS n FROM rollouts GROUP BY state',
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  completeRollout(rolloutId: string, end: RolloutEnd): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE rollouts SET state = $1, completed_at = $2 WHERE id = $3 AND state = 'in-progress'
         AND ${fenceClause(tx.dialect, 4)}`,
        [end.state, end.at, rolloutId, ...fenceParams(end.fence)],
      );
      if (changed === 0) return false;
      await insertPending(tx, end.logged ?? []);
      return true;
    });
  }

  async assignments(rolloutId: string): Promise<AssignmentRecord[]> {
    const rows = await this.#db.rows<AssignmentRow>(
      'SELECT * FROM assignments WHERE rollout_id = $1 ORDER BY device_id',
      [rolloutId],
    );
    return rows.map(toAssignment);
  }

  async openAssignments(deviceId: string): Promise<AssignmentRecord[]> {
    const rows = await this.#db.rows<AssignmentRow>(
      `SELECT a.* FROM assignments a JOIN rollouts r ON r.id = a.rollout_id
       WHERE a.device_id = $1 AND a.state NOT IN (${FINAL_STATES_SQL})
       ORDER BY r.created_at, r.id`,
      [deviceId],
    );
    return rows.map(toAssignment);
  }

  async markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void> {
    const { dialect } = this.#db;
    await this.#db.run(
      `UPDATE assignments SET state = 'notified', updated_at = $1
       WHERE rollout_id = $2 AND ${dialect.inList('device_id', '$3', 'text')}
         AND state = 'pending'`,
      [at, rolloutId, dialect.list(deviceIds)],
    );
  }

  /**
   * Exactly once across nodes: the report id's primary key makes a racing duplicate wait for the
   * first insert and then insert nothing; the assignment's row lock (PostgreSQL) orders
   * different reports.
   */
  applyReport(r: ReportInput, logged: readonly PendingLogEntry[] = []): Promise<ReportOutcome> {
    return this.#db.transaction(async (tx): Promise<ReportOutcome> => {
      if ((await insertReport(tx, r)) === 0) return 'duplicate';
      const current = await tx.one<{ state: DeviceState }>(
        `SELECT state FROM assignments WHERE rollout_id = $1 AND device_id = $2${tx.dialect.forUpdate}`,
        [r.rolloutId, r.deviceId],
      );
      if (current === undefined) return 'unknown-assignment';
      if (!isForward(current.state, r.state)) return 'stale';
      const reboot = r.state === 'installed' && r.rebootRequired === true;
      await tx.run(
        `UPDATE assignments SET state = $1, error_code = $2, error_message = $3, updated_at = $4,
           reboot_required = $7, reboot_boot_id = $8,
           installed_seq = CASE WHEN state <> 'installed' AND $1 = 'installed'
             THEN ${tx.dialect.nextInstalledSeq} ELSE installed_seq END
         WHERE rollout_id = $5 AND device_id = $6`,
        [
          r.state,
          r.error?.code ?? null,
          r.error?.message ?? null,
          r.at,
          r.rolloutId,
          r.deviceId,
          reboot,
          reboot ? (r.bootId ?? null) : null,
        ],
      );
      await insertPending(tx, logged);
      return 'applied';
    });
  }
}
