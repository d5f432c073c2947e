/** ImportHistoryStore over the SQL port, the same statements on SQLite and PostgreSQL. */
import type { ImportRecord } from '@patchcast/protocol';
import type { ImportHistoryStore } from '../import-history-store.js';
import type { SqlQueries } from './sql-db.js';

export class SqlImportHistory implements ImportHistoryStore {
  readonly #sql: SqlQueries;

  constructor(sql: SqlQueries) {
    this.#sql = sql;
  }

  async record(entry: ImportRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO vuln_import_history (id, committed_at, json) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO NOTHING`,
      [entry.id, entry.committedAt, JSON.stringify(entry)],
    );
  }

  async recent(limit: number): Promise<ImportRecord[]> {
    const rows = await this.#sql.rows<{ json: string }>(
      'SELECT json FROM vuln_import_history ORDER BY committed_at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map((row) => JSON.parse(row.json) as ImportRecord);
  }
}
