import type Database from 'better-sqlite3';
import type { LeaseFence, LeaseRecord, LeaseStore } from '../lease-store.js';
import { settle } from './sqlite-sql.js';

/**
 * The fencing condition of a write under a lease (ADR 0014), for a WHERE clause; its two
 * parameters come from `fenceParams` (no fence: NULL, and the condition holds).
 */
export const FENCE_CLAUSE =
  '(? IS NULL OR EXISTS (SELECT 1 FROM leases WHERE name = ? AND token = ?))';

interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expires_at: string;
}

export function fenceParams(fence: LeaseFence | undefined): (string | number | null)[] {
  return fence === undefined ? [null, null, null] : [fence.lease, fence.lease, fence.token];
}

/** The lease table of the SQLite store; one process, so each call is one immediate transaction. */
export class SqliteLeaseStore implements LeaseStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  acquire(
    name: string,
    holder: string,
    now: string,
    expiresAt: string,
  ): Promise<LeaseRecord | undefined> {
    return settle(() =>
      this.#db
        .transaction((): LeaseRecord | undefined => {
          const row = this.#row(name);
          if (row === undefined) {
            this.#db.prepare('INSERT INTO leases VALUES (?, ?, 1, ?)').run(name, holder, expiresAt);
          } else if (row.holder === holder) {
            this.#db
              .prepare('UPDATE leases SET expires_at = ? WHERE name = ?')
              .run(expiresAt, name);
          } else if (row.expires_at <= now) {
            this.#db
              .prepare(
                'UPDATE leases SET holder = ?, token = token + 1, expires_at = ? WHERE name = ?',
              )
              .run(holder, expiresAt, name);
          } else return undefined;
          return toLease(this.#row(name));
        })
        .immediate(),
    );
  }

  release(name: string, holder: string, token: number, now: string): Promise<void> {
    return settle(() => {
      this.#db
        .prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND token = ?')
        .run(now, name, holder, token);
    });
  }

  get(name: string): Promise<LeaseRecord | undefined> {
    return settle(() => {
      const row = this.#row(name);
      return row === undefined ? undefined : toLease(row);
    });
  }

  #row(name: string): LeaseRow | undefined {
    return this.#db.prepare('SELECT * FROM leases WHERE name = ?').get(name) as
      LeaseRow | undefined;
  }
}

function toLease(row: LeaseRow | undefined): LeaseRecord | undefined {
  return row && { name: row.name, holder: row.holder, token: row.token, expiresAt: row.expires_at };
}
