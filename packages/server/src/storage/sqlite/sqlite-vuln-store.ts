import { settle } from './sqlite-sql.js';
import type Database from 'better-sqlite3';
import { enqueueWebhookEvents } from './sqlite-webhook-store.js';
import { devicesHolding, writePackageIndex } from './sqlite-package-index.js';
import type {
  AdvisoryRow,
  FindingChanges,
  FindingFilter,
  FindingRecord,
  ImportCounts,
  InventoryRecord,
  InventorySummary,
  PersistedFix,
  VulnDataRow,
  VulnStore,
} from '../vuln-store.js';

interface FindingRow {
  device_id: string;
  key: string;
  advisory_id: string;
  json: string;
  first_seen_at: string;
  closed_at: string | null;
  closed_by: string | null;
}

function toFinding(row: FindingRow): FindingRecord {
  return {
    deviceId: row.device_id,
    key: row.key,
    advisoryId: row.advisory_id,
    json: row.json,
    firstSeenAt: row.first_seen_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
  };
}

const STATE_SQL = {
  open: 'closed_at IS NULL',
  closed: 'closed_at IS NOT NULL',
  all: '1 = 1',
} as const;

/** The vulnerability tables of the SQLite store (see the vulns migration in migrations.ts). */
export class SqliteVulnStore implements VulnStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #exists(importId: string): boolean {
    return this.#db.prepare('SELECT 1 FROM vuln_imports WHERE id = ?').get(importId) !== undefined;
  }

  #count(sql: string, ...params: unknown[]): number {
    return (this.#db.prepare(sql).get(...params) as { n: number }).n;
  }

  createImport(id: string, at: string): Promise<void> {
    return settle(() => {
      this.#db.prepare('INSERT INTO vuln_imports (id, created_at) VALUES (?, ?)').run(id, at);
    });
  }

  stageAdvisories(importId: string, rows: readonly AdvisoryRow[]): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        if (!this.#exists(importId)) return false;
        const insert = this.#db.prepare(
          `INSERT INTO vuln_staged_advisories (import_id, id, modified, json) VALUES (?, ?, ?, ?)
           ON CONFLICT (import_id, id) DO UPDATE SET modified = excluded.modified, json = excluded.json
           WHERE excluded.modified > vuln_staged_advisories.modified`,
        );
        for (const row of rows) insert.run(importId, row.id, row.modified, row.json);
        return true;
      })(),
    );
  }

  stageData(importId: string, kind: string, text: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        if (!this.#exists(importId)) return false;
        this.#db
          .prepare(
            'INSERT OR REPLACE INTO vuln_staged_data (import_id, kind, text) VALUES (?, ?, ?)',
          )
          .run(importId, kind, text);
        return true;
      })(),
    );
  }

  commitImport(importId: string, at: string): Promise<ImportCounts | undefined> {
    return settle(() =>
      this.#db
        .transaction((): ImportCounts | undefined => {
          if (!this.#exists(importId)) return undefined;
          const counts = this.#importCounts(importId);
          this.#db.prepare('UPDATE vuln_generation SET generation = generation + 1').run();
          this.#db
            .prepare(
              `INSERT INTO vuln_advisories (id, modified, json, generation)
             SELECT id, modified, json, (SELECT generation FROM vuln_generation)
             FROM vuln_staged_advisories WHERE import_id = ?
             ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, json = excluded.json,
               generation = excluded.generation
             WHERE excluded.modified > vuln_advisories.modified`,
            )
            .run(importId);
          const data = this.#db
            .prepare<[string], { kind: string }>(
              'SELECT kind FROM vuln_staged_data WHERE import_id = ? ORDER BY kind',
            )
            .all(importId)
            .map((r) => r.kind);
          this.#db
            .prepare(
              `INSERT OR REPLACE INTO vuln_data (kind, text, imported_at)
             SELECT kind, text, ? FROM vuln_staged_data WHERE import_id = ?`,
            )
            .run(at, importId);
          this.#drop(importId);
          const total = this.#count('SELECT count(*) AS n FROM vuln_advisories');
          return { ...counts, total, data, generation: this.#generation() };
        })
        .immediate(),
    );
  }

  #importCounts(
    importId: string,
  ): Pick<ImportCounts, 'staged' | 'added' | 'updated' | 'unchanged'> {
    const staged = this.#count(
      'SELECT count(*) AS n FROM vuln_staged_advisories WHERE import_id = ?',
      importId,
    );
    const added = this.#count(
      `SELECT count(*) AS n FROM vuln_staged_advisories s WHERE s.import_id = ?
       AND NOT EXISTS (SELECT 1 FROM vuln_advisories a WHERE a.id = s.id)`,
      importId,
    );
    const updated = this.#count(
      `SELECT count(*) AS n FROM vuln_staged_advisories s JOIN vuln_advisories a ON a.id = s.id
       WHERE s.import_id = ? AND s.modified > a.modified`,
      importId,
    );
    return { staged, added, updated, unchanged: staged - added - updated };
  }

  #drop(importId: string): void {
    this.#db.prepare('DELETE FROM vuln_staged_advisories WHERE import_id = ?').run(importId);
    this.#db.prepare('DELETE FROM vuln_staged_data WHERE import_id = ?').run(importId);
    this.#db.prepare('DELETE FROM vuln_imports WHERE id = ?').run(importId);
  }

  #generation(): number {
    return this.#count('SELECT generation AS n FROM vuln_generation');
  }

  dropStaleImports(before: string): Promise<number> {
    return settle(() =>
      this.#db.transaction(() => {
        const stale = this.#db
          .prepare<[string], { id: string }>('SELECT id FROM vuln_imports WHERE created_at < ?')
          .all(before);
        for (const { id } of stale) this.#drop(id);
        return stale.length;
      })(),
    );
  }

  advisories(): Promise<AdvisoryRow[]> {
    return settle(() =>
      this.#db
        .prepare<[], AdvisoryRow>('SELECT id, modified, json FROM vuln_advisories ORDER BY id')
        .all(),
    );
  }

  advisoriesSince(generation: number): Promise<AdvisoryRow[]> {
    return settle(() =>
      this.#db
        .prepare<[number], AdvisoryRow>(
          'SELECT id, modified, json FROM vuln_advisories WHERE generation > ? ORDER BY id',
        )
        .all(generation),
    );
  }

  generation(): Promise<number> {
    return settle(() => this.#generation());
  }

  data(kind: string): Promise<VulnDataRow | undefined> {
    return settle(() =>
      this.#db
        .prepare<[string], VulnDataRow>(
          'SELECT kind, text, imported_at AS importedAt FROM vuln_data WHERE kind = ?',
        )
        .get(kind),
    );
  }

  putInventory(record: InventoryRecord, packages?: readonly string[]): Promise<void> {
    return settle(() => {
      this.#db
        .transaction(() => {
          this.#db
            .prepare(
              `INSERT OR REPLACE INTO vuln_inventories
               (device_id, digest, json, received_at, collected_at, platform) VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(
              record.deviceId,
              record.digest,
              record.json,
              record.receivedAt,
              record.collectedAt,
              record.platform,
            );
          writePackageIndex(this.#db, record.deviceId, packages);
        })
        .immediate();
    });
  }

  devicesHolding(packages: readonly string[]): Promise<string[]> {
    return settle(() => devicesHolding(this.#db, packages));
  }

  getInventory(deviceId: string): Promise<InventoryRecord | undefined> {
    return settle(() =>
      this.#db
        .prepare<[string], InventoryRecord>(
          `SELECT device_id AS deviceId, digest, json, received_at AS receivedAt,
           collected_at AS collectedAt, platform FROM vuln_inventories WHERE device_id = ?`,
        )
        .get(deviceId),
    );
  }

  inventoryDevices(): Promise<string[]> {
    return settle(() =>
      this.#db
        .prepare<[], { id: string }>('SELECT device_id AS id FROM vuln_inventories ORDER BY id')
        .all()
        .map((r) => r.id),
    );
  }

  inventorySummaries(): Promise<InventorySummary[]> {
    return settle(() =>
      this.#db
        .prepare<[], InventorySummary>(
          `SELECT device_id AS deviceId, collected_at AS collectedAt, platform
           FROM vuln_inventories ORDER BY device_id`,
        )
        .all(),
    );
  }

  applyFindings(deviceId: string, changes: FindingChanges, at: string): Promise<void> {
    return settle(() => {
      this.#db
        .transaction(() => {
          const refresh = this.#db.prepare(
            'UPDATE vuln_findings SET json = ? WHERE device_id = ? AND key = ? AND closed_at IS NULL',
          );
          const insert = this.#db.prepare(
            `INSERT INTO vuln_findings (device_id, key, advisory_id, json, first_seen_at)
             VALUES (?, ?, ?, ?, ?)`,
          );
          for (const f of changes.open) {
            if (refresh.run(f.json, deviceId, f.key).changes === 0)
              insert.run(deviceId, f.key, f.advisoryId, f.json, at);
          }
          const close = this.#db.prepare(
            `UPDATE vuln_findings SET closed_at = ?, closed_by = ?
             WHERE device_id = ? AND key = ? AND closed_at IS NULL`,
          );
          for (const f of changes.close) close.run(at, f.closedBy, deviceId, f.key);
          enqueueWebhookEvents(this.#db, changes.events ?? []);
        })
        .immediate();
    });
  }

  findings(filter: FindingFilter): Promise<FindingRecord[]> {
    return settle(() => {
      const state = STATE_SQL[filter.state ?? 'all'];
      const device = filter.deviceId === undefined ? '' : ' AND device_id = ?';
      const params = filter.deviceId === undefined ? [] : [filter.deviceId];
      return this.#db
        .prepare<unknown[], FindingRow>(
          `SELECT * FROM vuln_findings WHERE ${state}${device}
           ORDER BY device_id, key, first_seen_at`,
        )
        .all(...params)
        .map(toFinding);
    });
  }

  recordPersistedFixes(rows: readonly PersistedFix[]): Promise<void> {
    return settle(() => {
      const insert = this.#db.prepare(
        `INSERT INTO vuln_persisted_fixes (device_id, patch, advisory_id, at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      );
      this.#db.transaction(() => {
        for (const r of rows) insert.run(r.deviceId, r.patch, r.advisoryId, r.at);
      })();
    });
  }

  persistedFixes(): Promise<PersistedFix[]> {
    return settle(() =>
      this.#db
        .prepare<[], PersistedFix>(
          `SELECT device_id AS deviceId, patch, advisory_id AS advisoryId, at
           FROM vuln_persisted_fixes ORDER BY device_id, patch, advisory_id`,
        )
        .all(),
    );
  }
}
