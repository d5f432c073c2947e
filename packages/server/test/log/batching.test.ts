import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCheckpoint } from '@patchcast/core';
import { action, countingStore, openLog, tempStore } from './log-fixture.js';

test('appends are batched: one transaction and one checkpoint per batch', async () => {
  const store = tempStore();
  const counted = countingStore(store.log);
  const log = await openLog(counted, { batch: { flushMs: 20, maxBatch: 1000 } });
  try {
    assert.deepEqual(counted.appends, [0], 'a fresh log signs its empty tree once');
    const indices = await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(action(i))));
    assert.deepEqual(
      indices,
      Array.from({ length: 300 }, (_, i) => i),
      'in order, each once',
    );
    assert.deepEqual(counted.appends, [0, 300], 'one batch');
    assert.equal(log.checkpoint.size, 300);
    assert.equal((await store.log.latestCheckpoint())?.size, 300);
    const { checkpoint } = openCheckpoint(log.checkpoint.note, log.identity);
    assert.deepEqual(checkpoint.rootHash, log.tree.root(300));
  } finally {
    await log.close();
    await store.close();
  }
});

test('a full batch is written at once, without waiting for the timer', async () => {
  const store = tempStore();
  const counted = countingStore(store.log);
  const log = await openLog(counted, { batch: { flushMs: 60_000, maxBatch: 100 } });
  try {
    const started = Date.now();
    await Promise.all(Array.from({ length: 250 }, (_, i) => log.append(action(i))).slice(0, 200));
    assert.ok(Date.now() - started < 10_000, 'the first two batches did not wait for the timer');
    await log.flush();
    assert.deepEqual(counted.appends, [0, 100, 100, 50]);
    assert.equal(await store.log.size(), 250);
  } finally {
    await log.close();
    await store.close();
  }
});

test('a failed write halts the log: its batch and every later append are refused', async () => {
  const store = tempStore();
  const counted = countingStore(store.log);
  const log = await openLog(counted);
  try {
    await log.append(action(0));
    counted.failing = true;
    await assert.rejects(log.append(action(1)), /the transparency log stopped: disk on fire/);
    counted.failing = false;
    await assert.rejects(log.append(action(2)), /stopped/, 'halted until a restart');
    assert.equal(log.checkpoint.size, 1, 'nothing unstored is served');
    assert.equal(await store.log.size(), 1);
  } finally {
    await log.close();
    await store.close();
  }
});
