import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { outboxConformance } from './outbox-conformance.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

outboxConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pc-outbox-'));
  dirs.push(dir);
  return new SqliteStore(join(dir, 'patchcast.db'));
});
