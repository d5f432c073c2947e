/**
 * Group commit for the SQLite store (ADR 0038). better-sqlite3 runs every statement on the event
 * loop, and with `synchronous = FULL` each transaction waits for its own fsync: one installed
 * report took five (report, engine input, installed list, last seen, inventory) and a log batch.
 * Here the store calls made while a batch is open share one transaction: the first call of a
 * batch opens it (BEGIN IMMEDIATE), each method's own transaction nests inside as a savepoint
 * (better-sqlite3 does this when a transaction is open), and the batch commits once the event
 * loop has run what arrived in the same turn (setImmediate) or after `maxCalls` calls, whichever
 * comes first. No call's promise resolves before the commit that made its work durable: a caller
 * (an `ack` to an agent, a log checkpoint, an HTTP answer) never acts on state a crash could
 * still undo. A failed commit rolls the whole batch back and rejects every call in it.
 */
import type Database from 'better-sqlite3';

interface Batch {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  calls: number;
}

/** Store calls per batch before it commits without waiting for the turn to end. */
export const GROUP_COMMIT_MAX_CALLS = 2048;

export class SqliteGroupCommit {
  readonly #db: Database.Database;
  readonly #maxCalls: number;
  #batch: Batch | undefined;

  constructor(db: Database.Database, maxCalls = GROUP_COMMIT_MAX_CALLS) {
    this.#db = db;
    this.#maxCalls = maxCalls;
  }

  /** Runs one store call in the open batch; resolves once the batch holding its work committed. */
  run<T>(call: () => Promise<T>): Promise<T> {
    try {
      this.#join();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return call().then((value) => this.#durable().then(() => value));
  }

  /** Commits the open batch now (before closing the database). */
  flush(): void {
    if (this.#batch !== undefined) this.#commit(this.#batch);
  }

  #join(): void {
    if (this.#batch !== undefined && this.#batch.calls >= this.#maxCalls) this.#commit(this.#batch);
    if (this.#batch === undefined) {
      if (this.#db.inTransaction || !this.#db.open) return; // not ours: nothing to group
      this.#db.exec('BEGIN IMMEDIATE');
      let resolve = () => undefined as void;
      let reject = (_error: Error) => undefined as void;
      const done = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      const batch: Batch = { done, resolve, reject, calls: 0 };
      this.#batch = batch;
      setImmediate(() => this.#commit(batch));
    }
    this.#batch.calls += 1;
  }

  /** The commit of the batch open now: everything a call did so far is in it or committed. */
  #durable(): Promise<void> {
    return this.#batch?.done ?? Promise.resolve();
  }

  #commit(batch: Batch): void {
    if (this.#batch !== batch) return;
    this.#batch = undefined;
    try {
      this.#db.exec('COMMIT');
      batch.resolve();
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      batch.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** `part` with every method run through `run`; other properties as they are. */
  wrap<T extends object>(part: T): T {
    return new Proxy(part, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function' || key === 'constructor') return value;
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const result = this.run(() => Promise.resolve(method.apply(target, args)));
          return result;
        };
      },
    });
  }
}
