/**
 * Group commit for the SQLite store (ADR 0038). better-sqlite3 runs every statement on the event
 * loop, and with `synchronous = FULL` each transaction waits for its own fsync: one installed
 * report took five (report, engine input, installed list, last seen, inventory) and a log batch.
 * Here the queries and transactions run while a batch is open share one transaction: the first
 * of a batch opens it (BEGIN IMMEDIATE), each store transaction nests inside as a savepoint, and
 * the batch commits once the event loop has run what arrived in the same turn (setImmediate) or
 * after `maxCalls` calls, whichever comes first. No call's promise resolves before the commit
 * that made its work durable: a caller (an `ack` to an agent, a log checkpoint, an HTTP answer)
 * never acts on state a crash could still undo. A failed commit rolls the whole batch back and
 * rejects every call in it. SqliteDb runs one call at a time, so a batch only ever commits
 * between calls, never inside a store transaction.
 */
import type Database from 'better-sqlite3';

interface Batch {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  calls: number;
}

/** Calls per batch before it commits without waiting for the turn to end. */
export const GROUP_COMMIT_MAX_CALLS = 2048;

export class SqliteGroupCommit {
  readonly #db: Database.Database;
  readonly #maxCalls: number;
  /** True while SqliteDb runs a call: the scheduled commit waits for it to end. */
  readonly #busy: () => boolean;
  #batch: Batch | undefined;

  constructor(db: Database.Database, busy: () => boolean, maxCalls = GROUP_COMMIT_MAX_CALLS) {
    this.#db = db;
    this.#busy = busy;
    this.#maxCalls = maxCalls;
  }

  /**
   * Puts the call about to run into the open batch (opening one if needed); returns the commit
   * it waits for, or undefined when the database is in a transaction that is not ours.
   */
  join(): Promise<void> | undefined {
    const open = this.#batch;
    if (open !== undefined && !this.#db.inTransaction) {
      this.#fail(open, new Error('the database rolled the batch back'));
    } else if (open !== undefined && open.calls >= this.#maxCalls) {
      this.#commit(open);
    }
    if (this.#batch === undefined) {
      if (this.#db.inTransaction || !this.#db.open) return undefined;
      this.#db.exec('BEGIN IMMEDIATE');
      this.#batch = this.#open();
    }
    this.#batch.calls += 1;
    return this.#batch.done;
  }

  /** Commits the open batch now (before closing the database). */
  flush(): void {
    if (this.#batch !== undefined) this.#commit(this.#batch);
  }

  #open(): Batch {
    let resolve = () => undefined as void;
    let reject = (_error: Error) => undefined as void;
    const done = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    const batch: Batch = { done, resolve, reject, calls: 0 };
    // Every call's promise waits for `done`; a batch nobody waits for yet must not be unhandled.
    done.catch(() => undefined);
    const commitWhenIdle = () => {
      if (this.#busy()) setImmediate(commitWhenIdle);
      else this.#commit(batch);
    };
    setImmediate(commitWhenIdle);
    return batch;
  }

  #commit(batch: Batch): void {
    if (this.#batch !== batch) return;
    try {
      this.#db.exec('COMMIT');
      this.#batch = undefined;
      batch.resolve();
    } catch (error) {
      this.#fail(batch, error instanceof Error ? error : new Error(String(error)));
    }
  }

  #fail(batch: Batch, error: Error): void {
    this.#batch = undefined;
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    batch.reject(error);
  }
}
