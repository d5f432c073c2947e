/**
 * Undo that is always right (issue 21, ADR 0015), with a real server and two real agents:
 * - rolling back an older rollout (app 1.5.0) while a newer one (1.6.0) is installed over it is
 *   refused naming the newer rollout; nothing changes on disk; `--cascade` undoes 1.6.0, then
 *   1.5.0, and every device holds exactly the files from before 1.5.0, as every record says;
 * - a rollout started with `--devices` can be rolled back, also after it completed;
 * - should the server's record be wrong, the agents refuse the stale undo (ROLLBACK_STALE) and the
 *   rollback says so, with nothing changed on disk.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Harness } from '../harness.js';
import type { Proc } from '../harness.js';
import { editDatabase, restartServer } from '../e2e/log-helpers.js';
import {
  cli,
  cliJson,
  finished,
  plainStatus,
  progressOf,
  publishVersion,
  recordsSay,
  startRollout,
  treeOf,
} from './undo-helpers.js';

const DEVICES = ['edge-1', 'edge-2'];

const PLAN = `version: 1
target: { all: true }
waves:
  - name: all
    rest: true
    bake: 1s
thresholds: { successPercent: 100, failurePercent: 0 }
`;

describe('undo that is always right', () => {
  let h: Harness;
  let plan = '';
  let server: Proc;
  const trees = () => Promise.all(DEVICES.map((d) => treeOf(h.agentDirs(d).root)));

  before(async () => {
    h = await Harness.create();
    server = await h.startServer();
    for (const name of DEVICES) await h.startAgent(name);
    plan = join(h.dir, 'plan.yaml');
    await writeFile(plan, PLAN);
  });
  after(() => h.close());

  test('an older rollout under a newer install: refused, then --cascade undoes newest first', async () => {
    for (const v of ['1.4.0', '1.5.0', '1.6.0']) await publishVersion(h, 'app', v);
    const ids: string[] = [];
    const snapshots: string[][][] = [await trees()];
    for (const v of ['1.4.0', '1.5.0', '1.6.0']) {
      const id = await startRollout(h, `app@${v}`, '--plan', plan);
      assert.equal((await finished(h, id)).state, 'completed');
      ids.push(id);
      snapshots.push(await trees());
    }
    const [r14 = '', r15 = '', r16 = ''] = ids;
    const [, after14, , after16] = snapshots;
    assert.ok(after16?.[0]?.some((line) => line.startsWith('etc/app/only-1.6.0')));

    const refused = await cli(h, 'rollout', 'rollback', r15);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(
      refused.stderr,
      new RegExp(
        `error\\[ROLLOUT_NEWER_INSTALLED\\]: rollout ${r15} \\(app@1\\.5\\.0\\) cannot be rolled back: on 2 of its device\\(s\\) app@1\\.6\\.0 of the later rollout ${r16}`,
      ),
    );
    assert.match(refused.stderr, new RegExp(`hint: roll back ${r16} first.*--cascade`));
    assert.deepEqual(await trees(), after16, 'nothing changed on disk');
    for (const d of DEVICES) await recordsSay(h, d, 'app', '1.6.0');
    const still = await finished(h, r15);
    assert.equal(still.state, 'completed', 'the refused rollout is as it was');

    const cascade = await cli(h, 'rollout', 'rollback', r15, '--cascade', '--json');
    assert.equal(cascade.code, 0, cascade.stderr);
    assert.match(cascade.stderr, new RegExp(`rolling back ${r16} \\(app@1\\.6\\.0\\) first`));
    assert.equal((await finished(h, r16)).state, 'rolled-back');
    const undone = await finished(h, r15);
    assert.equal(undone.state, 'rolled-back');
    assert.deepEqual(
      undone.devices.map((d) => d.state),
      ['rolled-back', 'rolled-back'],
    );
    assert.deepEqual(await trees(), after14, 'exactly the files from before 1.5.0');
    for (const d of DEVICES) await recordsSay(h, d, 'app', '1.4.0');

    // 1.4.0 is the newest install now: a plain rollback of it needs no cascade
    await cliJson(h, 'rollout', 'rollback', r14);
    assert.equal((await finished(h, r14)).state, 'rolled-back');
    assert.deepEqual(await trees(), snapshots[0], 'as before any install');
    for (const d of DEVICES) await recordsSay(h, d, 'app', null);
  });

  test('a rollout started with --devices can be rolled back after it completed', async () => {
    await publishVersion(h, 'tool', '1.0.0');
    const before = await trees();
    const id = await startRollout(h, 'tool@1.0.0', '--devices', 'all');
    const done = await finished(h, id);
    assert.equal(done.state, 'completed');
    const plain = await plainStatus(h, id);
    assert.deepEqual(plain.counts, { installed: 2, failed: 0, pending: 0, total: 2 });
    assert.ok(!('waves' in plain), '`rollout status` shows a plain rollout as before');

    const rollback = await cli(h, 'rollout', 'rollback', id, '--json');
    assert.equal(rollback.code, 0, rollback.stderr); // was: ROLLOUT_TRANSITION_REFUSED, no plan
    assert.equal((await finished(h, id)).state, 'rolled-back');
    const undone = await plainStatus(h, id);
    assert.equal(undone.state, 'rolled-back');
    assert.deepEqual(
      undone.devices.map((d) => d.state),
      ['rolled-back', 'rolled-back'],
    );
    assert.deepEqual(await trees(), before);
    for (const d of DEVICES) await recordsSay(h, d, 'tool', null);
  });

  test('the transparency log and the database agree (audit verify)', async () => {
    const data = await cli(h, 'audit', 'verify', '--data', join(h.dir, 'server'), '--json');
    assert.equal(data.code, 0, data.stdout + data.stderr);
  });

  test('a wrong server record: the agents refuse the stale undo and the rollback says so', async () => {
    for (const v of ['2.0.0', '2.1.0']) await publishVersion(h, 'lib', v);
    const r20 = await startRollout(h, 'lib@2.0.0', '--devices', 'all');
    assert.equal((await finished(h, r20)).state, 'completed');
    const r21 = await startRollout(h, 'lib@2.1.0', '--devices', 'all');
    assert.equal((await finished(h, r21)).state, 'completed');
    const after21 = await trees();
    // as if the record had lost 2.1.0: the server now believes 2.0.0 is in force
    const dataDir = join(h.dir, 'server');
    await server.stop();
    editDatabase(dataDir, (db) => {
      db.prepare("UPDATE assignments SET state = 'rolled-back' WHERE rollout_id = ?").run(r21);
    });
    server = await restartServer(h, server, dataDir);

    const rollback = await cli(h, 'rollout', 'rollback', r20, '--json');
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.equal((await finished(h, r20)).state, 'rolled-back');
    const done = await progressOf(h, r20);
    assert.equal(done.plain, true);
    assert.deepEqual(Object.keys(done.rollback?.refused ?? {}).length, 2);
    for (const d of done.devices) {
      assert.equal(d.state, 'installed', `${d.name} kept its install`);
      assert.equal(d.error?.code, 'ROLLBACK_STALE');
      assert.match(d.error?.message ?? '', /lib@2\.0\.0 has a later install of lib over it/);
    }
    assert.ok(
      done.decisions.some(
        (x) => x.detail === '0 device(s) rolled back; 2 refused (a later install is on disk)',
      ),
    );
    assert.deepEqual(await trees(), after21, 'nothing changed on disk');
  });
});
