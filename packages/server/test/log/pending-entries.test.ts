import { test } from 'node:test';
import type { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';
import { pendingConformance } from './pending-conformance.js';
import { tempStore } from './log-fixture.js';

pendingConformance('sqlite', (): Promise<SqliteStore> => Promise.resolve(tempStore()));

const pg = await pgTestDatabase();
if (pg.available) pendingConformance('postgres', () => pg.openStore());
else test('pending log entries: postgres', (t) => t.skip(pg.reason));
