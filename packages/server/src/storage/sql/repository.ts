/** TUF metadata and artifact records on the query port. */
import type { ArtifactRecord, MetadataRecord, MetadataRole, PendingLogEntry } from '../store.js';
import { insertPending } from './pending.js';
import type { SqlDb } from './sql-db.js';
import type { RepositoryPart } from '../store-parts.js';

export class SqlRepository implements RepositoryPart {
  readonly #db: SqlDb;

  constructor(db: SqlDb) {
    this.#db = db;
  }

  async latestMetadata(role: MetadataRole): Promise<MetadataRecord | undefined> {
    const row = await this.#db.one<{ version: number; bytes: Buffer }>(
      'SELECT version, bytes FROM metadata WHERE role = $1 ORDER BY version DESC LIMIT 1',
      [role],
    );
    return row && { role, version: row.version, bytes: new Uint8Array(row.bytes) };
  }

  async getMetadata(role: MetadataRole, version: number): Promise<MetadataRecord | undefined> {
    const row = await this.#db.one<{ bytes: Buffer }>(
      'SELECT bytes FROM metadata WHERE role = $1 AND version = $2',
      [role, version],
    );
    return row && { role, version, bytes: new Uint8Array(row.bytes) };
  }

  /**
   * The compare-and-set on the targets version runs under a lock (advisory on PostgreSQL), so two
   * nodes that both read version n cannot both commit n + 1.
   */
  commitMetadata(
    records: readonly MetadataRecord[],
    expectTargetsVersion?: number,
    logged: readonly PendingLogEntry[] = [],
  ): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      await tx.lock('metadata');
      if (expectTargetsVersion !== undefined) {
        const latest = await tx.one<{ v: number | null }>(
          "SELECT MAX(version) AS v FROM metadata WHERE role = 'targets'",
        );
        if ((latest?.v ?? 0) !== expectTargetsVersion) return false;
      }
      for (const r of records) {
        await tx.run('INSERT INTO metadata (role, version, bytes) VALUES ($1, $2, $3)', [
          r.role,
          r.version,
          Buffer.from(r.bytes),
        ]);
      }
      await insertPending(tx, logged);
      return true;
    });
  }

  async putArtifact(a: ArtifactRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO artifacts (sha256, length, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (sha256) DO NOTHING`,
      [a.sha256, a.length, a.createdAt],
    );
  }

  async getArtifact(sha256: string): Promise<ArtifactRecord | undefined> {
    const row = await this.#db.one<{ length: number; created_at: string }>(
      'SELECT length, created_at FROM artifacts WHERE sha256 = $1',
      [sha256],
    );
    return row && { sha256, length: row.length, createdAt: row.created_at };
  }
}
