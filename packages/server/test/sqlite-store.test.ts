import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { storeConformance } from './store-conformance.js';

storeConformance('sqlite', () =>
  Promise.resolve(
    new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-store-')), 'test.db')),
  ),
);

// The server's SQLite store commits in groups (ADR 0038): the same suite, every call grouped.
storeConformance('sqlite, group commit', () =>
  Promise.resolve(
    new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-store-')), 'test.db'), {
      groupCommit: true,
    }),
  ),
);
