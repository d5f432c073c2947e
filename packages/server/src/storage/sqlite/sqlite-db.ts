/**
 * The query port (storage/sql/sql-db.ts) on one better-sqlite3 connection. Statements run
 * synchronously on the event loop; the port's calls (a query, or a whole transaction) run one at
 * a time, so that a transaction whose work awaits between statements is never joined by another
 * call's statements. `$n` placeholders become `?` with the values in their order, booleans 1/0.
 * Prepared statements are kept per SQL text: preparing cost about a tenth of the server's CPU per
 * installed report (ADR 0038); safe because no statement's mode is changed and none is iterated.
 */
import type Database from 'better-sqlite3';
import { SQLITE_DIALECT } from '../sql/sql-db.js';
import type { SqlDb, SqlTx } from '../sql/sql-db.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';

const MAX_STATEMENTS = 1000;

/**
 * Who runs now on one database file, shared by every connection to it in this process: a
 * connection waiting for SQLite's write lock blocks the event loop, so a second connection must
 * not start while the first is inside a transaction that awaits (tests open two stores on one
 * file; another process is a different thread and only waits).
 */
class Gate {
  busy = false;
  users = 0;
  readonly waiting: (() => void)[] = [];
}

const gates = new Map<string, Gate>();

function gateOf(name: string): Gate {
  const gate = gates.get(name) ?? new Gate();
  gates.set(name, gate);
  gate.users += 1;
  return gate;
}

interface Prepared {
  readonly statement: Database.Statement;
  /** The parameter each `?` takes, by its `$n` (0-based); undefined when `$1, $2, ...` in order. */
  readonly order: readonly number[] | undefined;
}

export class SqliteDb implements SqlDb {
  readonly dialect = SQLITE_DIALECT;
  readonly raw: Database.Database;
  readonly #prepared = new Map<string, Prepared>();
  readonly #gate: Gate;
  readonly #group: SqliteGroupCommit | undefined;
  readonly #tx: SqlTx;

  /** `groupCommit`: calls made in one event-loop turn share a transaction (ADR 0038). */
  constructor(db: Database.Database, options: { readonly groupCommit?: boolean } = {}) {
    this.raw = db;
    this.#gate = db.memory ? new Gate() : gateOf(db.name);
    this.#group =
      options.groupCommit === true ? new SqliteGroupCommit(db, () => this.#gate.busy) : undefined;
    this.#tx = {
      dialect: SQLITE_DIALECT,
      rows: (sql, params) => Promise.resolve(this.#all(sql, params)),
      one: (sql, params) => Promise.resolve(this.#get(sql, params)),
      run: (sql, params) => Promise.resolve(this.#run(sql, params)),
      lock: () => Promise.resolve(),
    };
  }

  rows<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#call(() => this.#all<T>(sql, params));
  }
  one<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return this.#call(() => this.#get<T>(sql, params));
  }
  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#call(() => this.#run(sql, params));
  }

  /** BEGIN IMMEDIATE, or a savepoint inside an open group-commit batch. */
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.#call(async () => {
      const nested = this.raw.inTransaction;
      this.raw.exec(nested ? 'SAVEPOINT patchcast' : 'BEGIN IMMEDIATE');
      try {
        const result = await work(this.#tx);
        this.raw.exec(nested ? 'RELEASE patchcast' : 'COMMIT');
        return result;
      } catch (error) {
        if (this.raw.inTransaction) {
          this.raw.exec(nested ? 'ROLLBACK TO patchcast; RELEASE patchcast' : 'ROLLBACK');
        }
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.#call(() => {
      this.#group?.flush();
      this.raw.close();
      this.#gate.users -= 1;
      if (this.#gate.users === 0 && gates.get(this.raw.name) === this.#gate) {
        gates.delete(this.raw.name);
      }
    }, false);
  }

  /** Runs `work` once no other call runs, inside the open batch; resolves once it is durable. */
  #call<T>(work: () => T | Promise<T>, grouped = true): Promise<T> {
    if (!this.#gate.busy) return this.#enter(work, grouped);
    return new Promise<void>((resolve) => this.#gate.waiting.push(resolve)).then(() =>
      this.#enter(work, grouped),
    );
  }

  #enter<T>(work: () => T | Promise<T>, grouped: boolean): Promise<T> {
    this.#gate.busy = true;
    let result: T | Promise<T>;
    let durable: Promise<void> | undefined;
    try {
      durable = grouped ? this.#group?.join() : undefined;
      result = work();
    } catch (error) {
      this.#leave();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const settled = (value: T): T | Promise<T> => {
      this.#leave();
      return durable === undefined ? value : durable.then(() => value);
    };
    if (!(result instanceof Promise)) return Promise.resolve(settled(result));
    return result.then(settled, (error: unknown) => {
      this.#leave();
      throw error;
    });
  }

  #leave(): void {
    const next = this.#gate.waiting.shift();
    if (next === undefined) this.#gate.busy = false;
    else next();
  }

  #all<T>(sql: string, params: readonly unknown[] = []): T[] {
    const { statement, order } = this.#prepare(sql);
    return statement.all(...bind(params, order)) as T[];
  }
  #get<T>(sql: string, params: readonly unknown[] = []): T | undefined {
    const { statement, order } = this.#prepare(sql);
    return statement.get(...bind(params, order)) as T | undefined;
  }
  #run(sql: string, params: readonly unknown[] = []): number {
    const { statement, order } = this.#prepare(sql);
    return statement.run(...bind(params, order)).changes;
  }

  #prepare(sql: string): Prepared {
    let prepared = this.#prepared.get(sql);
    if (prepared === undefined) {
      if (this.#prepared.size >= MAX_STATEMENTS) this.#prepared.clear(); // varying text: bounded
      const order: number[] = [];
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1);
        return '?';
      });
      const inOrder = order.every((n, i) => n === i);
      prepared = { statement: this.raw.prepare(text), order: inOrder ? undefined : order };
      this.#prepared.set(sql, prepared);
    }
    return prepared;
  }
}

/** The values of the `?`s: booleans as 1/0 (SQLite binds no booleans). */
function bind(params: readonly unknown[], order: readonly number[] | undefined): unknown[] {
  const values = order === undefined ? params : order.map((n) => params[n]);
  return values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}
