/** TUF metadata and artifact records: the SQLite half of the repository tables. */
import type { ArtifactRecord, MetadataRecord, MetadataRole, PendingLogEntry } from '../store.js';
import { insertPending } from './sqlite-log-store.js';
import { settle } from './sqlite-sql.js';
import type { SqliteSql } from './sqlite-sql.js';
import type { RepositoryPart } from '../store-parts.js';

export class SqliteRepository implements RepositoryPart {
  readonly #q: SqliteSql;

  constructor(q: SqliteSql) {
    this.#q = q;
  }

  latestMetadata(role: MetadataRole): Promise<MetadataRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<{ version: number; bytes: Buffer }>(
        'SELECT version, bytes FROM metadata WHERE role = ? ORDER BY version DESC LIMIT 1',
        role,
      );
      return row && { role, version: row.version, bytes: new Uint8Array(row.bytes) };
    });
  }

  getMetadata(role: MetadataRole, version: number): Promise<MetadataRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<{ bytes: Buffer }>(
        'SELECT bytes FROM metadata WHERE role = ? AND version = ?',
        role,
        version,
      );
      return row && { role, version, bytes: new Uint8Array(row.bytes) };
    });
  }

  commitMetadata(
    records: readonly MetadataRecord[],
    expectTargetsVersion?: number,
    logged: readonly PendingLogEntry[] = [],
  ): Promise<boolean> {
    return settle(() => {
      const commit = this.#q.db.transaction((): boolean => {
        if (expectTargetsVersion !== undefined) {
          const latest = this.#q.get<{ v: number | null }>(
            "SELECT MAX(version) AS v FROM metadata WHERE role = 'targets'",
          );
          if ((latest?.v ?? 0) !== expectTargetsVersion) return false;
        }
        for (const r of records) {
          this.#q.run(
            'INSERT INTO metadata (role, version, bytes) VALUES (?, ?, ?)',
            r.role,
            r.version,
            Buffer.from(r.bytes),
          );
        }
        insertPending(this.#q.db, logged);
        return true;
      });
      return commit.immediate();
    });
  }

  putArtifact(a: ArtifactRecord): Promise<void> {
    return settle(() => {
      this.#q.run(
        'INSERT OR IGNORE INTO artifacts VALUES (?, ?, ?)',
        a.sha256,
        a.length,
        a.createdAt,
      );
    });
  }

  getArtifact(sha256: string): Promise<ArtifactRecord | undefined> {
    return settle(() => {
      const row = this.#q.get<{ length: number; created_at: string }>(
        'SELECT * FROM artifacts WHERE sha256 = ?',
        sha256,
      );
      return row && { sha256, length: row.length, createdAt: row.created_at };
    });
  }
}
