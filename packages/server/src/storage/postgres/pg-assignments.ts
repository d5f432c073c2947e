/** Rollouts, their assignments and device reports: the PostgreSQL half of those tables. */
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
import { POSTGRES_DIALECT } from '../sql/sql-db.js';
import { fenceClause, fenceParams } from '../sql/lease-store.js';
import { insertPending } from './pg-log-store.js';
import { toAssignment, toRollout } from '../rows.js';
import type { AssignmentRow, RolloutRow } from '../rows.js';
import { isForward } from '../report-rules.js';
import type { PgDb, PgQueries } from './pg-db.js';
import type { AssignmentsPart } from '../store-parts.js';

/** A rollout row and one pending assignment per device, inside the caller's transaction. */
export async function insertRollout(
  tx: PgQueries,
  r: RolloutRecord,
  deviceIds: readonly string[],
): Promise<void> {
  await tx.run('INSERT INTO rollouts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
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
  ]);
  await tx.run(
    `INSERT INTO assignments (rollout_id, device_id, state, updated_at)
     SELECT $1, d, 'pending', $2 FROM unnest($3::text[]) AS d`,
    [r.id, r.createdAt, deviceIds],
  );
}

export class PgAssignments implements AssignmentsPart {
  readonly #db: PgDb;

  constructor(db: PgDb) {
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
    const rows = await this.#db.rows<{ state: RolloutState; n: string }>(
      'SELECT state, COUNT(*) AS n FROM rollouts GROUP BY state',
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  completeRollout(rolloutId: string, end: RolloutEnd): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE rollouts SET state = $1, completed_at = $2 WHERE id = $3 AND state = 'in-progress'
         AND ${fenceClause(POSTGRES_DIALECT, 4)}`,
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
       WHERE a.device_id = $1 AND a.state <> ALL($2::text[]) ORDER BY r.created_at, r.id`,
      [deviceId, FINAL_DEVICE_STATES],
    );
    return rows.map(toAssignment);
  }

  async markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void> {
    await this.#db.run(
      `UPDATE assignments SET state = 'notified', updated_at = $1
       WHERE rollout_id = $2 AND device_id = ANY($3::text[]) AND state = 'pending'`,
      [at, rolloutId, deviceIds],
    );
  }

  /**
   * Exactly once across nodes: the report id's primary key makes a racing duplicate wait for the
   * first insert and then insert nothing; the assignment's row lock orders different reports.
   */
  applyReport(r: ReportInput, logged: readonly PendingLogEntry[] = []): Promise<ReportOutcome> {
    return this.#db.transaction(async (tx): Promise<ReportOutcome> => {
      const inserted = await tx.run(
        `INSERT INTO reports VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (report_id) DO NOTHING`,
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
      if (inserted === 0) return 'duplicate';
      const current = await tx.one<{ state: DeviceState }>(
        'SELECT state FROM assignments WHERE rollout_id = $1 AND device_id = $2 FOR UPDATE',
        [r.rolloutId, r.deviceId],
      );
      if (current === undefined) return 'unknown-assignment';
      if (!isForward(current.state, r.state)) return 'stale';
      await tx.run(
        `UPDATE assignments SET state = $1, error_code = $2, error_message = $3, updated_at = $4,
           reboot_required = $7, reboot_boot_id = $8,
           installed_seq = CASE WHEN state <> 'installed' AND $1 = 'installed'
             THEN nextval('assignments_installed_seq') ELSE installed_seq END
         WHERE rollout_id = $5 AND device_id = $6`,
        [
          r.state,
          r.error?.code ?? null,
          r.error?.message ?? null,
          r.at,
          r.rolloutId,
          r.deviceId,
          r.state === 'installed' && r.rebootRequired === true,
          r.state === 'installed' && r.rebootRequired === true ? (r.bootId ?? null) : null,
        ],
      );
      await insertPending(tx, logged);
      return 'applied';
    });
  }
}
