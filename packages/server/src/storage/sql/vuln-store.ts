/**
 * The vulnerability tables (storage/vuln-store.ts, ADR 0012) on the query port. An import's
 * commit runs in one transaction under a lock (advisory on PostgreSQL), so commits from several
 * nodes apply one after the other and the generation counts each once.
 */
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
import { chunks, valuesList } from './sql-db.js';
import type { SqlDb, SqlQueries } from './sql-db.js';
import { enqueueWebhookEvents } from './webhook-store.js';
import { devicesHolding, writePackageIndex } from './package-index.js';

const FINDING_COLUMNS = `device_id AS "deviceId", key, advisory_id AS "advisoryId", json,
  first_seen_at AS "firstSeenAt", closed_at AS "closedAt", closed_by AS "closedBy"`;

const STATE_SQL = {
  open: 'closed_at IS NULL',
  closed: 'closed_at IS NOT NULL',
  all: '1 = 1',
} as const;

async function exists(q: SqlQueries, importId: string, lock = false): Promise<boolean> {
  const sql = `SELECT 1 FROM vuln_imports WHERE id = $1${lock ? q.dialect.forUpdate : ''}`;
  return (await q.one(sql, [importId])) !== undefined;
}

async function count(q: SqlQueries, sql: string, params: readonly unknown[] = []): Promise<number> {
  return (await q.one<{ n: number }>(sql, params))?.n ?? 0;
}

export class SqlVulnStore implements VulnStore {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async createImport(id: string, at: string): Promise<void> {
    await this.#db.run('INSERT INTO vuln_imports (id, created_at) VALUES ($1, $2)', [id, at]);
  }

  stageAdvisories(importId: string, rows: readonly AdvisoryRow[]): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      if (!(await exists(tx, importId))) return false;
      for (const slice of chunks(rows))
        await tx.run(
          `INSERT INTO vuln_staged_advisories (import_id, id, modified, json)
           VALUES ${valuesList(slice.length, 4)}
           ON CONFLICT (import_id, id) DO UPDATE SET modified = excluded.modified,
             json = excluded.json
           WHERE excluded.modified > vuln_staged_advisories.modified`,
          slice.flatMap((r) => [importId, r.id, r.modified, r.json]),
        );
      return true;
    });
  }

  stageData(importId: string, kind: string, text: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      if (!(await exists(tx, importId))) return false;
      await tx.run(
        `INSERT INTO vuln_staged_data (import_id, kind, text) VALUES ($1, $2, $3)
         ON CONFLICT (import_id, kind) DO UPDATE SET text = excluded.text`,
        [importId, kind, text],
      );
      return true;
    });
  }

  commitImport(importId: string, at: string): Promise<ImportCounts | undefined> {
    return this.#db.transaction(async (tx) => {
      await tx.lock('vuln-import');
      if (!(await exists(tx, importId, true))) return undefined;
      const counts = await importCounts(tx, importId);
      await tx.run('UPDATE vuln_generation SET generation = generation + 1');
      await tx.run(
        `INSERT INTO vuln_advisories (id, modified, json, generation)
         SELECT id, modified, json, (SELECT generation FROM vuln_generation)
         FROM vuln_staged_advisories WHERE import_id = $1
         ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, json = excluded.json,
           generation = excluded.generation
         WHERE excluded.modified > vuln_advisories.modified`,
        [importId],
      );
      const data = (
        await tx.rows<{ kind: string }>(
          'SELECT kind FROM vuln_staged_data WHERE import_id = $1 ORDER BY kind',
          [importId],
        )
      ).map((r) => r.kind);
      await tx.run(
        `INSERT INTO vuln_data (kind, text, imported_at)
         SELECT kind, text, $2 FROM vuln_staged_data WHERE import_id = $1
         ON CONFLICT (kind) DO UPDATE SET text = excluded.text, imported_at = excluded.imported_at`,
        [importId, at],
      );
      await drop(tx, importId);
      const total = await count(tx, 'SELECT count(*) AS n FROM vuln_advisories');
      const generation = await count(tx, 'SELECT generation AS n FROM vuln_generation');
      return { ...counts, total, data, generation };
    });
  }

  dropStaleImports(before: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const stale = await tx.rows<{ id: string }>(
        'SELECT id FROM vuln_imports WHERE created_at < $1',
        [before],
      );
      for (const { id } of stale) await drop(tx, id);
      return stale.length;
    });
  }

  advisories(): Promise<AdvisoryRow[]> {
    return this.#db.rows<AdvisoryRow>('SELECT id, modified, json FROM vuln_advisories ORDER BY id');
  }

  advisoriesSince(generation: number): Promise<AdvisoryRow[]> {
    return this.#db.rows<AdvisoryRow>(
      'SELECT id, modified, json FROM vuln_advisories WHERE generation > $1 ORDER BY id',
      [generation],
    );
  }

  generation(): Promise<number> {
    return count(this.#db, 'SELECT generation AS n FROM vuln_generation');
  }

  data(kind: string): Promise<VulnDataRow | undefined> {
    return this.#db.one<VulnDataRow>(
      'SELECT kind, text, imported_at AS "importedAt" FROM vuln_data WHERE kind = $1',
      [kind],
    );
  }

  putInventory(r: InventoryRecord, packages?: readonly string[]): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO vuln_inventories (device_id, digest, json, received_at, collected_at, platform)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (device_id) DO UPDATE
         SET digest = excluded.digest, json = excluded.json, received_at = excluded.received_at,
           collected_at = excluded.collected_at, platform = excluded.platform`,
        [r.deviceId, r.digest, r.json, r.receivedAt, r.collectedAt, r.platform],
      );
      await writePackageIndex(tx, r.deviceId, packages);
    });
  }

  devicesHolding(packages: readonly string[]): Promise<string[]> {
    return devicesHolding(this.#db, packages);
  }

  getInventory(deviceId: string): Promise<InventoryRecord | undefined> {
    return this.#db.one<InventoryRecord>(
      `SELECT device_id AS "deviceId", digest, json, received_at AS "receivedAt",
       collected_at AS "collectedAt", platform FROM vuln_inventories WHERE device_id = $1`,
      [deviceId],
    );
  }

  async inventoryDevices(): Promise<string[]> {
    const rows = await this.#db.rows<{ id: string }>(
      'SELECT device_id AS id FROM vuln_inventories ORDER BY device_id',
    );
    return rows.map((r) => r.id);
  }

  inventorySummaries(): Promise<InventorySummary[]> {
    return this.#db.rows<InventorySummary>(
      `SELECT device_id AS "deviceId", collected_at AS "collectedAt", platform
       FROM vuln_inventories ORDER BY device_id`,
    );
  }

  applyFindings(deviceId: string, changes: FindingChanges, at: string): Promise<void> {
    return this.#db.transaction(async (tx) => {
      await tx.lock(`vuln-findings:${deviceId}`);
      for (const f of changes.open) {
        const refreshed = await tx.run(
          `UPDATE vuln_findings SET json = $1
           WHERE device_id = $2 AND key = $3 AND closed_at IS NULL`,
          [f.json, deviceId, tx.dialect.toKey(f.key)],
        );
        if (refreshed === 0)
          await tx.run(
            `INSERT INTO vuln_findings (device_id, key, advisory_id, json, first_seen_at)
             VALUES ($1, $2, $3, $4, $5)`,
            [deviceId, tx.dialect.toKey(f.key), f.advisoryId, f.json, at],
          );
      }
      for (const f of changes.close)
        await tx.run(
          `UPDATE vuln_findings SET closed_at = $1, closed_by = $2
           WHERE device_id = $3 AND key = $4 AND closed_at IS NULL`,
          [at, f.closedBy, deviceId, tx.dialect.toKey(f.key)],
        );
      await enqueueWebhookEvents(tx, changes.events ?? []);
    });
  }

  async findings(filter: FindingFilter): Promise<FindingRecord[]> {
    const state = STATE_SQL[filter.state ?? 'all'];
    const device = filter.deviceId === undefined ? '' : ' AND device_id = $1';
    const rows = await this.#db.rows<FindingRecord>(
      `SELECT ${FINDING_COLUMNS} FROM vuln_findings WHERE ${state}${device}
       ORDER BY device_id, key, first_seen_at`,
      filter.deviceId === undefined ? [] : [filter.deviceId],
    );
    return rows.map((r) => ({ ...r, key: this.#db.dialect.fromKey(r.key) }));
  }

  async recordPersistedFixes(rows: readonly PersistedFix[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const r of rows)
        await tx.run(
          `INSERT INTO vuln_persisted_fixes (device_id, patch, advisory_id, at)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [r.deviceId, r.patch, r.advisoryId, r.at],
        );
    });
  }

  persistedFixes(): Promise<PersistedFix[]> {
    return this.#db.rows<PersistedFix>(
      `SELECT device_id AS "deviceId", patch, advisory_id AS "advisoryId", at
       FROM vuln_persisted_fixes ORDER BY device_id, patch, advisory_id`,
    );
  }
}

async function importCounts(
  q: SqlQueries,
  importId: string,
): Promise<Pick<ImportCounts, 'staged' | 'added' | 'updated' | 'unchanged'>> {
  const staged = await count(
    q,
    'SELECT count(*) AS n FROM vuln_staged_advisories WHERE import_id = $1',
    [importId],
  );
  const added = await count(
    q,
    `SELECT count(*) AS n FROM vuln_staged_advisories s WHERE s.import_id = $1
     AND NOT EXISTS (SELECT 1 FROM vuln_advisories a WHERE a.id = s.id)`,
    [importId],
  );
  const updated = await count(
    q,
    `SELECT count(*) AS n FROM vuln_staged_advisories s JOIN vuln_advisories a ON a.id = s.id
     WHERE s.import_id = $1 AND s.modified > a.modified`,
    [importId],
  );
  return { staged, added, updated, unchanged: staged - added - updated };
}

async function drop(q: SqlQueries, importId: string): Promise<void> {
  await q.run('DELETE FROM vuln_staged_advisories WHERE import_id = $1', [importId]);
  await q.run('DELETE FROM vuln_staged_data WHERE import_id = $1', [importId]);
  await q.run('DELETE FROM vuln_imports WHERE id = $1', [importId]);
}
