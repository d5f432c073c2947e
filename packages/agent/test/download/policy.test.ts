import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import { parseRate, policyPath, resolvePolicy } from '../../src/policy.js';

const coded = (code: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof PatchcastError &&
  error.code === code &&
  (pattern === undefined || pattern.test(error.message));

test('rates: bytes per second with binary K, M, G suffixes; 0 and off mean no cap', () => {
  const cases: [string, number][] = [
    ['1000', 1000],
    ['64K', 64 * 1024],
    ['5M', 5 * 1024 * 1024],
    ['5m', 5 * 1024 * 1024],
    ['1.5M', 1.5 * 1024 * 1024],
    ['2G', 2 * 1024 ** 3],
    ['5MiB/s', 5 * 1024 * 1024],
    ['0', 0],
    ['off', 0],
  ];
  for (const [text, rate] of cases) assert.equal(parseRate(text), rate, text);
});

test('malformed rates are USAGE errors naming the flag', () => {
  for (const text of ['', 'fast', '-1', '5X', '1e9', '0.0001', '5 M', '9999999G']) {
    assert.throws(() => parseRate(text), coded('USAGE', /--max-download-rate/), text);
  }
});

test('the flag is kept in policy.json, and later starts without it read it back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-policy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.deepEqual(await resolvePolicy(dir), {}, 'no file: no cap');
  assert.deepEqual(await resolvePolicy(dir, { maxDownloadRate: '2M' }), {
    maxDownloadBytesPerSecond: 2 * 1024 * 1024,
  });
  assert.deepEqual(JSON.parse(await readFile(policyPath(dir), 'utf8')), {
    maxDownloadBytesPerSecond: 2 * 1024 * 1024,
  });
  assert.deepEqual(await resolvePolicy(dir), { maxDownloadBytesPerSecond: 2 * 1024 * 1024 });
  assert.deepEqual(await resolvePolicy(dir, { maxDownloadRate: 'off' }), {
    maxDownloadBytesPerSecond: 0,
  });
  await assert.rejects(resolvePolicy(dir, { maxDownloadRate: 'lots' }), coded('USAGE'));
  assert.deepEqual(await resolvePolicy(dir), { maxDownloadBytesPerSecond: 0 }, 'unchanged');
});

test('a broken policy.json is CONFIG_INVALID, naming the file and the field', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-policy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bad: [string, RegExp][] = [
    ['{', /not valid JSON/],
    ['{"maxDownloadBytesPerSecond": -5}', /maxDownloadBytesPerSecond/],
    ['{"maxDownloadBytesPerSecond": "5M"}', /maxDownloadBytesPerSecond/],
    ['{"rate": 5}', /rate/],
    ['[]', /policy\.json/],
  ];
  for (const [text, pattern] of bad) {
    await writeFile(policyPath(dir), text);
    await assert.rejects(resolvePolicy(dir), coded('CONFIG_INVALID', pattern), text);
  }
});
