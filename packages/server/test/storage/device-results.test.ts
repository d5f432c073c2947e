import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { deviceResultsConformance } from './device-results-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

deviceResultsConformance('sqlite', () =>
  Promise.resolve(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-results-')), 'r.db'))),
);

const pg = await pgTestDatabase();
if (pg.available) deviceResultsConformance('postgres', () => pg.openStore());
else test('DeviceResultsStore conformance: postgres', (t) => t.skip(pg.reason));
