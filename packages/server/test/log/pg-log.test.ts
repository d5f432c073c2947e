/**
 * The transparency log on PostgreSQL: a restarted node resumes the stored tree, and two nodes
 * appending to one database keep one linear log (the stale node's batch is refused and writes
 * nothing). Each stored checkpoint is checked by the independent verifier.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/storage/store.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';
import { naiveOpenCheckpoint, naiveRoot } from './independent-verifier.js';
import { action, newSigner, openLog } from './log-fixture.js';

const db = await pgTestDatabase();

/** The latest checkpoint verifies under `verifierKey` and commits to every stored leaf, in order. */
async function assertLinear(store: Store, verifierKey: string): Promise<number> {
  const size = await store.log.size();
  const latest = await store.log.latestCheckpoint();
  assert.ok(latest !== undefined);
  const checkpoint = naiveOpenCheckpoint(latest.note, verifierKey);
  assert.equal(checkpoint.size, size);
  const entries = await store.log.entries(0, size);
  assert.deepEqual(
    entries.map((e) => e.index),
    Array.from({ length: size }, (_, i) => i),
    'no gaps',
  );
  assert.deepEqual(checkpoint.root, naiveRoot(entries.map((e) => Buffer.from(e.leaf))));
  return size;
}

if (!db.available) {
  test('transparency log on PostgreSQL', (t) => t.skip(db.reason));
} else {
  test('a node restarted on PostgreSQL resumes the stored log across tile boundaries', async () => {
    const schema = db.newSchema();
    const signer = newSigner();
    const store = await db.openStore(schema);
    try {
      const first = await openLog(store.log, { signer });
      await Promise.all(Array.from({ length: 300 }, (_, i) => first.append(action(i))));
      await first.close();
      const again = await openLog(store.log, { signer });
      assert.equal(again.checkpoint.size, 300);
      assert.equal(await again.append(action(300)), 300);
      await again.close();
      assert.equal(await assertLinear(store, signer.verifierKey), 301);
    } finally {
      await store.close();
    }
  });

  test('two nodes on one database: the stale node is refused and the log stays linear', async () => {
    const schema = db.newSchema();
    const signer = newSigner();
    const [storeA, storeB] = [await db.openStore(schema), await db.openStore(schema)];
    try {
      const a = await openLog(storeA.log, { signer });
      await Promise.all(Array.from({ length: 10 }, (_, i) => a.append(action(i))));
      await a.flush();
      const b = await openLog(storeB.log, { signer });
      assert.equal(b.checkpoint.size, 10, 'node B starts from the stored log');
      assert.equal(await a.append(action(10)), 10);
      await a.flush();
      await assert.rejects(b.append(action(99)), /stopped/, "B's view is behind: refused");
      assert.equal(await storeB.log.size(), 11, 'the refused batch wrote nothing');
      await Promise.all([a.close(), b.close()]);
      assert.equal(await assertLinear(storeA, signer.verifierKey), 11);
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
}
