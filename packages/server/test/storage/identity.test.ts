import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { identityConformance } from './identity-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

identityConformance('sqlite', () =>
  Promise.resolve(
    new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-identity-')), 'i.db')),
  ),
);

const pg = await pgTestDatabase();
if (pg.available) identityConformance('postgres', () => pg.openStore());
else test('Store identity conformance: postgres', (t) => t.skip(pg.reason));
