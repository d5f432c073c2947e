/**
 * The advisory import history (`GET /api/v1/vulns/imports`, the console's "Last imports"): one
 * row per committed import with where it came from, who committed it and what it changed.
 */
import type { ImportRecord } from '@patchcast/protocol';

export interface ImportHistoryStore {
  /** Records a committed import (again with the same id: kept as first recorded). */
  record(entry: ImportRecord): Promise<void>;
  /** The latest `limit` imports, newest first. */
  recent(limit: number): Promise<ImportRecord[]>;
}
