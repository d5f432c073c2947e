import { test } from 'node:test';
import { storeRaceConformance } from './store-race-conformance.js';
import { pgTestDatabase } from './pg-test-db.js';

const pg = await pgTestDatabase();
if (pg.available) {
  storeRaceConformance('postgres', async () => {
    const schema = pg.newSchema();
    const [a, b] = await Promise.all([pg.openStore(schema), pg.openStore(schema)]);
    return [a, b] as const;
  });
} else {
  test('Store race conformance: postgres', (t) => t.skip(pg.reason));
}
