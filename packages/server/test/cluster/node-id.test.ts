/**
 * The default node id of a node on a NATS bus: made once per data dir as
 * `<hostname>-<8 random hex>` and kept in `<dataDir>/node-id`, so two nodes on one host (or on
 * port 0) never share it and a restarted node keeps the one its durable consumers are named after.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { persistedNodeId } from '../../src/bus/open-bus.js';

describe('persisted default node id', () => {
  let dir = '';
  const fresh = async (name: string) => {
    if (dir === '') dir = await mkdtemp(join(tmpdir(), 'patchcast-node-id-'));
    const path = join(dir, name);
    await mkdir(path);
    return path;
  };
  after(() => rm(dir, { recursive: true, force: true }));

  test('made on first use, kept in <dataDir>/node-id, the same on every later start', async () => {
    const data = await fresh('one');
    const id = await persistedNodeId(data);
    assert.match(id, /^[A-Za-z0-9_-]+-[0-9a-f]{8}$/);
    assert.equal((await readFile(join(data, 'node-id'), 'utf8')).trim(), id);
    assert.equal(await persistedNodeId(data), id);
    assert.deepEqual(await readdir(data), ['node-id'], 'no file left aside');
  });

  test('two data dirs on one host get two ids', async () => {
    const ids = new Set<string>();
    for (const name of ['a', 'b', 'c', 'd']) ids.add(await persistedNodeId(await fresh(name)));
    assert.equal(ids.size, 4);
  });

  test('processes racing on one new data dir all end up with the id that was written', async () => {
    const data = await fresh('race');
    const ids = await Promise.all(Array.from({ length: 8 }, () => persistedNodeId(data)));
    const kept = (await readFile(join(data, 'node-id'), 'utf8')).trim();
    assert.deepEqual(ids, Array<string>(8).fill(kept));
    assert.deepEqual(await readdir(data), ['node-id']);
  });

  test('an operator-written id is used as it is; a file that holds no id is CONFIG_INVALID', async () => {
    const data = await fresh('written');
    await writeFile(join(data, 'node-id'), 'edge_7\n');
    assert.equal(await persistedNodeId(data), 'edge_7');
    for (const text of ['', 'node.one\n', 'x'.repeat(65)]) {
      await writeFile(join(data, 'node-id'), text);
      await assert.rejects(persistedNodeId(data), (error: unknown) => {
        assert.ok(error instanceof PatchcastError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /node-id does not hold a node id/);
        return true;
      });
    }
  });
});
