import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { consoleStoreConformance } from './console-store-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

consoleStoreConformance('sqlite', () =>
  Promise.resolve(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-console-')), 'c.db'))),
);

const pg = await pgTestDatabase();
if (pg.available) consoleStoreConformance('postgres', () => pg.openStore());
else test('console sub-ports conformance: postgres', (t) => t.skip(pg.reason));
