/** ImportHistoryStore over the SQL port, the same statements on SQLite and PostgreSQL. */
import type { ImportRecord } from '@patchcast/protocol';
import type { ImportHistoryStore } from './import-history-store.js';
import type { SqlPort } from './sql-port.js';

export class SqlImportHistory implements ImportHistoryStore {
  readonly #sql: SqlPort;

  constructor(sql: SqlPort) {
    this.#sql = sql;
  }

  async record(entry: ImportRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO vuln_import_history (id, committed_at, json) VALUES (?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
      [entry.id, entry.committedAt, JSON.stringify(entry)],
    );
  }

  async recent(limit: number): Promise<ImportRecord[]> {
    const rows = await this.#sql.all<{ json: string }>(
      'SELECT json FROM vuln_import_history ORDER BY committed_at DESC, id DESC LIMIT ?',
      [limit],
    );
    return rows.map((row) => JSON.parse(row.json) as ImportRecord);
  }
}
