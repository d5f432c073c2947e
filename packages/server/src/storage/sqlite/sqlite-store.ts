import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../sql/migrations.js';
import { SqlStore } from '../sql/sql-store.js';
import { SqliteDb } from './sqlite-db.js';

/**
 * The embedded default: one SQLite file (WAL), synchronous statements behind the async query
 * port (sqlite-db.ts). This class opens the file and migrates it; the tables are served by the
 * store written once (sql/sql-store.ts).
 */
export class SqliteStore extends SqlStore {
  /** `groupCommit`: calls made in one event-loop turn share a transaction (ADR 0038). */
  constructor(path: string, options: { readonly groupCommit?: boolean } = {}) {
    super(new SqliteDb(openDatabase(path), options));
  }
}

/** Opens the file (WAL, full sync, foreign keys) and applies the migrations it has not seen. */
function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let i = applied; i < SQLITE_MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[i] ?? '');
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}
