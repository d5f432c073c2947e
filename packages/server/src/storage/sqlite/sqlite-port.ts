/** The SQL port (storage/sql-port.ts) on one SQLite connection. */
import type Database from 'better-sqlite3';
import type { SqlPort } from '../sql-port.js';
import { settle } from './sqlite-sql.js';

export function sqlitePort(db: Database.Database): SqlPort {
  return {
    dialect: 'sqlite',
    all: <T>(sql: string, params: readonly unknown[] = []) =>
      settle(() => db.prepare(sql).all(...params) as T[]),
    run: (sql: string, params: readonly unknown[] = []) =>
      settle(() => db.prepare(sql).run(...params).changes),
  };
}
