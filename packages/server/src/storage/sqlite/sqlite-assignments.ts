/** Rollouts, their assignments and device reports: the SQLite half of those tables. */
import type Database from 'better-sqlite3';
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
import { FENCE_CLAUSE, fenceParams } from './sqlite-lease-store.js';
import { insertPending } from './sqlite-log-store.js';
import { toAssignment, toRollout } from '../rows.js';
import type { AssignmentRow, RolloutRow } from '../rows.js';
import { isForward } from '../report-rules.js';
import { settle } from './sqlite-sql.js';
import type { SqliteSql } from './sqlite-sql.js';
import type { AssignmentsPart } from '../store-parts.js';

const FINAL_LIST = FINAL_DEVICE_STATES.map((s) => `'${s}'`).join(',');

/** A rollout row and one pending assignment per device, inside the caller's transaction. */
export function insertRollout(
  db: Database.Database,
  r: RolloutRecord,
  deviceIds: readonly string[],
): void {
  db.prepare('INSERT INTO rollouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    r.id,
    r.patch.name,
    r.patch.version,
    r.targetPath,
    JSON.stringify(r.selector),
    r.state,
    r.createdAt,
    r.createdBy,
    r.completedAt,
    r.allowDowngrade === true ? 1 : 0,
  );
  // One statement for every assignment (docs/PERFORMANCE.md, notice to 10,000 agents).
  db.prepare(
    `INSERT INTO assignments (rollout_id, device_id, state, updated_at)
     SELECT ?, value, 'pending', ? FROM json_each(?)`,
  ).run(r.id, r.createdAt, JSON.stringify(deviceIds));
}

export class SqliteAssignments implements AssignmentsPart {
  readonly #q: SqliteSql;

  constructor(q: SqliteSql) {
    this.#q = q;
  }

  createRollout(r: RolloutRecord, deviceIds: readonly string[]): Promise<void> {
    return settle(() => {
      this.#q.db.transaction(() => insertRollout(this.#q.db, r, deviceIds)).immediate();
    });
  }

  getRollout(id: string): Promise<RolloutRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<RolloutRow>('SELECT * FROM rollouts WHERE id = ?', id);
      return row && toRollout(row);
    });
  }

  listRollouts(state?: RolloutState): Promise<RolloutRecord[]> {
    return settle(() => {
      const where = state === undefined ? '' : 'WHERE state = ? ';
      const params = state === undefined ? [] : [state];
      return this.#q
        .all<RolloutRow>(`SELECT * FROM rollouts ${where}ORDER BY created_at DESC, id`, ...params)
        .map(toRollout);
    });
  }

  rolloutStateCounts(): Promise<Partial<Record<RolloutState, number>>> {
    return settle(() => {
      const rows = this.#q.all<{ state: RolloutState; n: number }>(
        'SELECT state, COUNT(*) AS n FROM rollouts GROUP BY state',
      );
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    });
  }

  completeRollout(rolloutId: string, end: RolloutEnd): Promise<boolean> {
    return settle(() =>
      this.#q.db
        .transaction(() => {
          const { changes } = this.#q.db
            .prepare(
              `UPDATE rollouts SET state = ?, completed_at = ? WHERE id = ? AND state = 'in-progress'
               AND ${FENCE_CLAUSE}`,
            )
            .run(end.state, end.at, rolloutId, ...fenceParams(end.fence));
          if (changes === 0) return false;
          insertPending(this.#q.db, end.logged ?? []);
          return true;
        })
        .immediate(),
    );
  }

  assignments(rolloutId: string): Promise<AssignmentRecord[]> {
    return settle(() => {
      const rows = this.#q.all<AssignmentRow>(
        'SELECT * FROM assignments WHERE rollout_id = ? ORDER BY device_id',
        rolloutId,
      );
      return rows.map(toAssignment);
    });
  }

  openAssignments(deviceId: string): Promise<AssignmentRecord[]> {
    return settle(() => {
      const rows = this.#q.all<AssignmentRow>(
        `SELECT a.* FROM assignments a JOIN rollouts r ON r.id = a.rollout_id
         WHERE a.device_id = ? AND a.state NOT IN (${FINAL_LIST}) ORDER BY r.created_at, r.id`,
        deviceId,
      );
      return rows.map(toAssignment);
    });
  }

  markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void> {
    return settle(() => {
      this.#q.run(
        `UPDATE assignments SET state = 'notified', updated_at = ?
         WHERE rollout_id = ? AND state = 'pending' AND device_id IN (SELECT value FROM json_each(?))`,
        at,
        rolloutId,
        JSON.stringify(deviceIds),
      );
    });
  }

  applyReport(r: ReportInput, logged: readonly PendingLogEntry[] = []): Promise<ReportOutcome> {
    return settle(() => {
      const apply = this.#q.db.transaction((): ReportOutcome => {
        const inserted = this.#q.run(
          'INSERT OR IGNORE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          r.reportId,
          r.rolloutId,
          r.deviceId,
          r.state,
          r.error?.code ?? null,
          r.error?.message ?? null,
          r.timings === null ? null : JSON.stringify(r.timings),
          r.at,
        );
        if (inserted.changes === 0) return 'duplicate';
        const current = this.#q.get<{ state: DeviceState }>(
          'SELECT state FROM assignments WHERE rollout_id = ? AND device_id = ?',
          r.rolloutId,
          r.deviceId,
        );
        if (current === undefined) return 'unknown-assignment';
        if (!isForward(current.state, r.state)) return 'stale';
        const reboot = r.state === 'installed' && r.rebootRequired === true;
        this.#q.run(
          `UPDATE assignments SET state = ?, error_code = ?, error_message = ?, updated_at = ?,
             reboot_required = ?, reboot_boot_id = ?,
             installed_seq = CASE WHEN state <> 'installed' AND ? = 'installed'
               THEN (SELECT COALESCE(MAX(installed_seq), 0) + 1 FROM assignments
                     WHERE installed_seq IS NOT NULL)
               ELSE installed_seq END
           WHERE rollout_id = ? AND device_id = ?`,
          r.state,
          r.error?.code ?? null,
          r.error?.message ?? null,
          r.at,
          reboot ? 1 : 0,
          reboot ? (r.bootId ?? null) : null,
          r.state,
          r.rolloutId,
          r.deviceId,
        );
        insertPending(this.#q.db, logged);
        return 'applied';
      });
      return apply.immediate();
    });
  }
}
