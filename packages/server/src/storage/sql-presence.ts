/** PresenceStore over the SQL port, the same statements on SQLite and PostgreSQL. */
import type { PresenceStore } from './presence-store.js';
import type { SqlPort } from './sql-port.js';

/** Ids per query: far below either database's limit on parameters. */
const CHUNK = 500;

const LIVE = `device_presence p JOIN presence_nodes n
  ON n.node = p.node AND n.seen_at > ? AND p.node <> ?`;

export class SqlPresence implements PresenceStore {
  readonly #sql: SqlPort;

  constructor(sql: SqlPort) {
    this.#sql = sql;
  }

  async connected(deviceId: string, node: string, at: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO device_presence (device_id, node, since) VALUES (?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET node = excluded.node, since = excluded.since
       WHERE excluded.since >= device_presence.since`,
      [deviceId, node, at],
    );
  }

  async disconnected(deviceId: string, node: string): Promise<void> {
    await this.#sql.run('DELETE FROM device_presence WHERE device_id = ? AND node = ?', [
      deviceId,
      node,
    ]);
  }

  async heartbeat(node: string, at: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO presence_nodes (node, seen_at) VALUES (?, ?)
       ON CONFLICT (node) DO UPDATE SET seen_at = excluded.seen_at`,
      [node, at],
    );
  }

  async clearNode(node: string): Promise<void> {
    await this.#sql.run('DELETE FROM device_presence WHERE node = ?', [node]);
  }

  async onlineOf(deviceIds: readonly string[], after: string, except: string): Promise<string[]> {
    const online: string[] = [];
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      const chunk = deviceIds.slice(i, i + CHUNK);
      const rows = await this.#sql.all<{ device_id: string }>(
        `SELECT p.device_id FROM ${LIVE} WHERE p.device_id IN (${chunk.map(() => '?').join(', ')})`,
        [after, except, ...chunk],
      );
      online.push(...rows.map((row) => row.device_id));
    }
    return online.sort();
  }

  async onlineCount(after: string, except: string): Promise<number> {
    const [row] = await this.#sql.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${LIVE}`, [
      after,
      except,
    ]);
    return Number(row?.n ?? 0);
  }
}
