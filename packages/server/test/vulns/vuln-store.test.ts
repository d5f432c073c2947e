import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { vulnStoreConformance } from '../storage/vuln-conformance.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';

vulnStoreConformance('sqlite', () =>
  Promise.resolve(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-vuln-')), 'v.db'))),
);

const pg = await pgTestDatabase();
if (pg.available) vulnStoreConformance('postgres', () => pg.openStore());
else test('VulnStore conformance: postgres', (t) => t.skip(pg.reason));
