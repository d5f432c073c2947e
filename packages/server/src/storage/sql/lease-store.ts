/** The lease table (storage/lease-store.ts, ADR 0014) on the query port. */
import type { LeaseFence, LeaseRecord, LeaseStore } from '../lease-store.js';
import type { Dialect, SqlDb } from './sql-db.js';

interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expires_at: string;
}

/**
 * The fencing condition of a write under a lease (ADR 0014), for a WHERE clause whose parameters
 * $n and $n+1 come from `fenceParams` (no fence: NULL, and the condition holds). It is part of
 * the write's own statement, so no takeover slips in between a check and the write; on
 * PostgreSQL it locks the lease row (FOR SHARE) until the transaction ends, so a takeover, which
 * updates that row, waits for the write to commit, or the write sees the new token and changes
 * nothing. SQLite has one writer at a time.
 */
export function fenceClause(dialect: Dialect, n: number): string {
  return `(CAST($${n} AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM leases WHERE name = $${n} AND token = $${n + 1}${dialect.forShare}))`;
}

export function fenceParams(fence: LeaseFence | undefined): [string | null, number | null] {
  return fence === undefined ? [null, null] : [fence.lease, fence.token];
}

/** Taking a lease is one upsert, so racing nodes serialise on its row. */
export class SqlLeaseStore implements LeaseStore {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async acquire(
    name: string,
    holder: string,
    now: string,
    expiresAt: string,
  ): Promise<LeaseRecord | undefined> {
    const row = await this.#db.one<LeaseRow>(
      `INSERT INTO leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $4)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN leases.holder = excluded.holder THEN leases.token
                      ELSE leases.token + 1 END,
         holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= $3
       RETURNING name, holder, token, expires_at`,
      [name, holder, now, expiresAt],
    );
    return row === undefined ? undefined : toLease(row);
  }

  async release(name: string, holder: string, token: number, now: string): Promise<void> {
    await this.#db.run(
      'UPDATE leases SET expires_at = $4 WHERE name = $1 AND holder = $2 AND token = $3',
      [name, holder, token, now],
    );
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    const row = await this.#db.one<LeaseRow>('SELECT * FROM leases WHERE name = $1', [name]);
    return row === undefined ? undefined : toLease(row);
  }
}

function toLease(row: LeaseRow): LeaseRecord {
  return { name: row.name, holder: row.holder, token: row.token, expiresAt: row.expires_at };
}
