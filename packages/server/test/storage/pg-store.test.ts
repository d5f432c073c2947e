import { test } from 'node:test';
import { storeConformance } from '../store-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

const pg = await pgTestDatabase();
if (pg.available) {
  storeConformance('postgres', () => pg.openStore());
} else {
  test('Store conformance: postgres', (t) => t.skip(pg.reason));
}
