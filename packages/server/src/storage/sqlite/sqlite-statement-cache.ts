/**
 * Prepared statements kept per SQL text: the stores call `db.prepare(sql)` where they run a
 * statement, and preparing cost about a tenth of the server's CPU per installed report (ADR 0038).
 * Safe because no store changes a statement's mode (pluck, raw, expand, safeIntegers) or iterates
 * one; a statement of a schema that changed is prepared again by SQLite itself.
 */
import type Database from 'better-sqlite3';

const MAX_STATEMENTS = 1000;

/** Makes `db.prepare` return the statement already prepared for the same text. */
export function cacheStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= MAX_STATEMENTS) cache.clear(); // SQL built with varying text: bounded
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  db.prepare = cached as typeof db.prepare;
}
