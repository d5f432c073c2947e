/** PresenceStore over the SQL port, the same statements on SQLite and PostgreSQL. */
import type { PresenceStore } from '../presence-store.js';
import type { SqlQueries } from './sql-db.js';

const LIVE = `device_presence p JOIN presence_nodes n
  ON n.node = p.node AND n.seen_at > $1 AND p.node <> $2`;

export class SqlPresence implements PresenceStore {
  readonly #sql: SqlQueries;

  constructor(sql: SqlQueries) {
    this.#sql = sql;
  }

  async connected(deviceId: string, node: string, at: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO device_presence (device_id, node, since) VALUES ($1, $2, $3)
       ON CONFLICT (device_id) DO UPDATE SET node = excluded.node, since = excluded.since
       WHERE excluded.since >= device_presence.since`,
      [deviceId, node, at],
    );
  }

  async disconnected(deviceId: string, node: string): Promise<void> {
    await this.#sql.run('DELETE FROM device_presence WHERE device_id = $1 AND node = $2', [
      deviceId,
      node,
    ]);
  }

  async heartbeat(node: string, at: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO presence_nodes (node, seen_at) VALUES ($1, $2)
       ON CONFLICT (node) DO UPDATE SET seen_at = excluded.seen_at`,
      [node, at],
    );
  }

  async clearNode(node: string): Promise<void> {
    await this.#sql.run('DELETE FROM device_presence WHERE node = $1', [node]);
  }

  async onlineOf(deviceIds: readonly string[], after: string, except: string): Promise<string[]> {
    if (deviceIds.length === 0) return [];
    const { dialect } = this.#sql;
    const rows = await this.#sql.rows<{ device_id: string }>(
      `SELECT p.device_id FROM ${LIVE} WHERE ${dialect.inList('p.device_id', '$3', 'text')}
       ORDER BY p.device_id`,
      [after, except, dialect.list(deviceIds)],
    );
    return rows.map((row) => row.device_id);
  }

  async onlineCount(after: string, except: string): Promise<number> {
    const [row] = await this.#sql.rows<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${LIVE}`,
      [after, except],
    );
    return Number(row?.n ?? 0);
  }
}
