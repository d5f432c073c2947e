/** Small helpers shared by the SQLite sub-stores: typed statements and the sync-to-async bridge. */
import type Database from 'better-sqlite3';

/** Typed one-shot statements on one SQLite connection. */
export class SqliteSql {
  readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...params) as T | undefined;
  }
  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).all(...params) as T[];
  }
  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.db.prepare(sql).run(...params);
  }
}

/** Runs synchronous SQLite work, turning a throw into a rejected promise as the port requires. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
