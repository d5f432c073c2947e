/** The SQL port (storage/sql-port.ts) on the PostgreSQL pool. */
import { numbered } from '../sql-port.js';
import type { SqlPort } from '../sql-port.js';
import type { PgDb } from './pg-db.js';

export function pgPort(db: PgDb): SqlPort {
  return {
    dialect: 'postgres',
    all: <T>(sql: string, params: readonly unknown[] = []) => db.rows<T>(numbered(sql), params),
    run: (sql: string, params: readonly unknown[] = []) => db.run(numbered(sql), params),
  };
}
