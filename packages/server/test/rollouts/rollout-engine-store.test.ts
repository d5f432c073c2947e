import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { rolloutEngineConformance } from '../storage/rollout-engine-conformance.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';

rolloutEngineConformance('sqlite', () =>
  Promise.resolve(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-ro-')), 'test.db'))),
);

const db = await pgTestDatabase();
if (db.available) rolloutEngineConformance('postgres', () => db.openStore());
else test('RolloutEngineStore conformance: postgres', (t) => t.skip(db.reason));
