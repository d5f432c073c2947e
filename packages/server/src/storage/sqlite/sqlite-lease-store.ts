import type Database from 'better-sqlite3';
import type { RolloutState } from '@patchcast/protocol';
import type { LeaseRecord, LeaseStore } from '../lease-store.js';

interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expires_at: string;
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

  isCurrent(name: string, token: number): Promise<boolean> {
    return settle(() => this.#row(name)?.token === token);
  }

  completeRollout(
    name: string,
    token: number,
    rolloutId: string,
    state: RolloutState,
    at: string,
  ): Promise<boolean> {
    return settle(() => {
      const result = this.#db
        .prepare(
          `UPDATE rollouts SET state = ?, completed_at = ? WHERE id = ? AND state = 'in-progress'
           AND EXISTS (SELECT 1 FROM leases WHERE name = ? AND token = ?)`,
        )
        .run(state, at, rolloutId, name, token);
      return result.changes === 1;
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

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
