import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { consoleStoreConformance } from './console-store-conformance.js';
import { consoleFeedsConformance } from './console-feeds-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

// Probe PostgreSQL before any suite is registered: SQLite's synchronous work would starve the probe.
const pg = await pgTestDatabase();

const sqlite = () =>
  Promise.resolve(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-console-')), 'c.db')));
consoleStoreConformance('sqlite', sqlite);
consoleFeedsConformance('sqlite', sqlite);

if (pg.available) {
  consoleStoreConformance('postgres', () => pg.openStore());
  consoleFeedsConformance('postgres', () => pg.openStore());
} else test('console sub-ports conformance: postgres', (t) => t.skip(pg.reason));
