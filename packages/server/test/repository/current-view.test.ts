/**
 * The repository view a node serves (ADR 0041), seen from a second node: a real server publishes
 * into its SQLite database while a CurrentView over a second connection to the same database
 * plays the other node. Public reads keep the view they have until it is a second old; a check
 * (`fresh()`) brings the other node's commit, read whole and consistent from the timestamp down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildTargets, signEnvelope } from '@patchcast/core';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { CurrentView, VIEW_MAX_AGE_MS } from '../../src/features/repository/current-view.js';
import { RepositoryFixture } from './repository-fixture.js';

let repo: RepositoryFixture;
let store: SqliteStore;
before(async () => {
  repo = await RepositoryFixture.start('current-view');
  store = new SqliteStore(join(repo.dir, 'patchcast.db'));
});
after(async () => {
  await store.close();
  await repo.close();
});

async function publish(path: string, content: string): Promise<number> {
  const current = await repo.current();
  const signed = buildTargets(current.version + 1, new Date(Date.now() + 86_400_000), {
    ...current.targets,
    [path]: await repo.upload(content),
  });
  return (await repo.client.submitTargets(signEnvelope(signed, repo.targetsKey))).timestamp;
}

test("another node's commit reaches the view by a check of the store, not per request", async () => {
  let now = Date.parse('2026-12-08T00:00:00Z');
  const view = new CurrentView({ store, now: () => new Date(now) });
  const first = await view.get();
  assert.ok(first !== undefined);

  const timestamp = await publish('app/1/bundle.tar', 'app 1');
  assert.ok(timestamp > first.versions.timestamp);
  assert.equal(await view.get(), first, 'within its age the view in memory is served');

  now += VIEW_MAX_AGE_MS;
  assert.equal(await view.get(), first, 'an old view is still answered while it is checked');
  const next = await view.fresh();
  assert.ok(next !== undefined && next !== first);
  assert.equal(next.versions.timestamp, timestamp);
  assert.equal(next.targetsInForce.get('app/1/bundle.tar')?.info.length, 'app 1'.length);
  const meta = next.snapshot.envelope.signed.meta;
  assert.equal(meta['targets.json']?.version, next.targets.version, 'one commit, not two');
  const served = await fetch(
    `${repo.server.url}/tuf/metadata/${next.targets.version}.targets.json`,
  );
  assert.deepEqual(
    Buffer.from(await served.arrayBuffer()),
    Buffer.from(next.files.get(`${next.targets.version}.targets.json`) ?? []),
    'the bytes as stored, as the server serves them',
  );
  assert.equal(await view.fresh(), next, 'nothing moved: the same view, not read again');
});
