import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { storeRaceConformance } from './store-race-conformance.js';

storeRaceConformance('sqlite', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcast-race-')), 'test.db');
  const first = new SqliteStore(path);
  return Promise.resolve([first, new SqliteStore(path)] as const);
});
