import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PatchcastError,
  SecurityError,
  generateCosignerKeys,
  parseCosignerKey,
} from '@patchcast/core';
import { LogChecker } from '../../src/log/log-checker.js';
import { witnessPolicy } from '../../src/log/witness-policy.js';
import { FakeLog, filler, published, target } from './fake-log.js';

const w1 = parseCosignerKey(generateCosignerKeys('w1.test').signerKey);
const w2 = parseCosignerKey(generateCosignerKeys('w2.test').signerKey);
const stranger = parseCosignerKey(generateCosignerKeys('w1.test').signerKey);
const ref = { name: 'a', version: '1' };
const file = target('a');

async function checker(log: FakeLog, threshold: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'patchcast-agent-witness-'));
  const witnesses = witnessPolicy({ keys: [w1.verifierKey, w2.verifierKey], threshold });
  const checker = new LogChecker({
    dataDir,
    ops: log,
    logKey: log.verifierKeyText,
    log: () => undefined,
    witnesses,
  });
  await checker.load();
  return checker;
}

const missing = (error: unknown) =>
  error instanceof SecurityError && error.code === 'SECURITY_WITNESS_MISSING';

test('a publication needs cosignatures of the threshold of trusted witnesses', async () => {
  const log = new FakeLog().add(filler(0), published(ref, file));
  const two = await checker(log, 2);
  await assert.rejects(two.checkPublication(ref, file), missing, 'no cosignature');
  assert.equal(two.checkpointNote, undefined, 'a refused checkpoint is not stored');
  log.cosigners = [w1, stranger];
  await assert.rejects(two.checkPublication(ref, file), missing, 'one trusted, one unknown key');
  const one = await checker(log, 1);
  await one.checkPublication(ref, file);
  log.cosigners = [w2, w1];
  await two.checkPublication(ref, file);
  assert.match(two.checkpointNote ?? '', /w1\.test[\s\S]*w2\.test|w2\.test[\s\S]*w1\.test/);
});

test('witness flags: a threshold from 1 to the number of distinct keys, keys of type 0x04', () => {
  assert.equal(witnessPolicy({ keys: [] }), undefined);
  assert.equal(witnessPolicy({ keys: [w1.verifierKey, w2.verifierKey] })?.threshold, 2);
  for (const bad of [
    { keys: [w1.verifierKey], threshold: 2 },
    { keys: [w1.verifierKey], threshold: 0 },
    { keys: [], threshold: 1 },
    { keys: [w1.verifierKey, w1.verifierKey], threshold: 1 },
    { keys: [new FakeLog().verifierKeyText] },
  ]) {
    assert.throws(() => witnessPolicy(bad), PatchcastError, JSON.stringify(bad));
  }
});
