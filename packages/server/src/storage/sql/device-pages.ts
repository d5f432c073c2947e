/** DevicePageStore over the SQL port, the same statements on SQLite and PostgreSQL. */
import type { DevicePage, DevicePageQuery, DevicePageStore } from '../device-page-store.js';
import { toInstalled } from '../device-results-store.js';
import type { InstalledRecord, InstalledRow } from '../device-results-store.js';
import { toDevice } from '../rows.js';
import type { DeviceRow } from '../rows.js';
import { installedSql } from './device-results-store.js';
import type { Dialect, SqlQueries } from './sql-db.js';

/** `text` as a LIKE pattern matching it anywhere, its wildcards taken literally. */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The value of label `key` (bound to `param`) of a device row's JSON labels. */
function labelValue(dialect: Dialect, param: string): string {
  return dialect.name === 'sqlite'
    ? `json_extract(labels, '$."' || ${param} || '"')`
    : `(labels::jsonb ->> ${param})`;
}

export class SqlDevicePages implements DevicePageStore {
  readonly #sql: SqlQueries;

  constructor(sql: SqlQueries) {
    this.#sql = sql;
  }

  #where(query: DevicePageQuery): { where: string; params: unknown[] } {
    const clauses = ['removed_at IS NULL'];
    const params: unknown[] = [];
    const text = query.text?.trim() ?? '';
    if (text !== '') {
      params.push(containing(text));
      const p = `$${params.length}`;
      clauses.push(`(lower(name) LIKE ${p} ESCAPE '\\' OR lower(id) LIKE ${p} ESCAPE '\\')`);
    }
    if (query.label !== undefined) {
      params.push(query.label.key, query.label.value);
      const [key, value] = [`$${params.length - 1}`, `$${params.length}`];
      clauses.push(`${labelValue(this.#sql.dialect, key)} = ${value}`);
    }
    return { where: clauses.join(' AND '), params };
  }

  async page(query: DevicePageQuery): Promise<DevicePage> {
    const { where, params } = this.#where(query);
    const collate = this.#sql.dialect.name === 'postgres' ? ' COLLATE "C"' : '';
    const [limit, offset] = [`$${params.length + 1}`, `$${params.length + 2}`];
    // The page's ids first, from the (name, id) index alone, then only those rows: skipping
    // `offset` matches then reads no device row (a page deep in 100,000 stays cheap).
    const order = `ORDER BY name${collate}, id`;
    const [rows, counted] = await Promise.all([
      this.#sql.rows<DeviceRow>(
        `SELECT * FROM devices WHERE id IN (
           SELECT id FROM devices WHERE ${where} ${order} LIMIT ${limit} OFFSET ${offset}) ${order}`,
        [...params, query.limit, query.offset],
      ),
      this.#sql.rows<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${this.#countSource(query)} WHERE ${where}`,
        params,
      ),
    ]);
    return { devices: rows.map(toDevice), total: Number(counted[0]?.n ?? 0) };
  }

  /**
   * Counting label matches reads every row's labels: SQLite would walk the name index and fetch
   * each row by id (ten times slower at 100,000 devices than reading the table straight).
   */
  #countSource(query: DevicePageQuery): string {
    return query.label !== undefined && this.#sql.dialect.name === 'sqlite'
      ? 'devices NOT INDEXED'
      : 'devices';
  }

  async installedOf(deviceIds: readonly string[]): Promise<InstalledRecord[]> {
    if (deviceIds.length === 0) return [];
    const { dialect } = this.#sql;
    const rows = await this.#sql.rows<InstalledRow>(
      installedSql(dialect.inList('a.device_id', '$1', 'text')),
      [dialect.list(deviceIds)],
    );
    return rows.map(toInstalled);
  }

  async awaitingRebootOf(deviceIds: readonly string[]): Promise<string[]> {
    if (deviceIds.length === 0) return [];
    const { dialect } = this.#sql;
    const rows = await this.#sql.rows<{ device_id: string }>(
      `SELECT DISTINCT device_id FROM assignments
       WHERE ${dialect.inList('device_id', '$1', 'text')}
         AND state = 'installed' AND reboot_required = TRUE
       ORDER BY device_id`,
      [dialect.list(deviceIds)],
    );
    return rows.map((row) => row.device_id);
  }
}
