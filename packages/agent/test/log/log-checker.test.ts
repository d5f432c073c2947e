import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MerkleTree,
  PatchcastError,
  SecurityError,
  parseCheckpoint,
  parseNote,
} from '@patchcast/core';
import { LogChecker } from '../../src/log/log-checker.js';
import { logCheckpointFile, logKeyFile } from '../../src/log/log-trust-store.js';
import { FakeLog, filler, published, target } from './fake-log.js';

const a1 = { name: 'a', version: '1' };
const a2 = { name: 'b', version: '2' };
const fileA = target('a');
const fileB = target('b');

async function setup(log: FakeLog, logKey?: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'patchcast-agent-log-'));
  const lines: string[] = [];
  const checker = new LogChecker({ dataDir, ops: log, logKey, log: (l) => lines.push(l) });
  await checker.load();
  return { dataDir, lines, checker };
}

async function storedSize(dataDir: string): Promise<number> {
  const note = await readFile(logCheckpointFile(dataDir), 'utf8');
  return parseCheckpoint(parseNote(note).text).size;
}

const refused = (code: string) => (error: unknown) =>
  error instanceof SecurityError && error.code === code;

test('the checker pins the key on first use, keeps the newest checkpoint and checks it grows', async () => {
  const log = new FakeLog().add(filler(0), published(a1, fileA));
  const { dataDir, lines, checker } = await setup(log);
  assert.equal(checker.checkpointNote, undefined);
  await checker.checkPublication(a1, fileA);
  assert.match(lines.join('\n'), /WARNING: no --log-key given/);
  assert.equal((await readFile(logKeyFile(dataDir), 'utf8')).trim(), log.verifierKeyText);
  assert.equal(await storedSize(dataDir), 2);
  log.add(filler(1), published(a2, fileB), filler(2));
  await checker.checkPublication(a2, fileB);
  assert.equal(await storedSize(dataDir), 5);
  assert.equal(log.keyRequests, 1, 'the key is fetched once');
  const reloaded = await setup(log);
  assert.equal(reloaded.checker.checkpointNote, undefined, 'another folder starts afresh');
});

test('a split view (another history) is refused and the stored checkpoint kept', async () => {
  const log = new FakeLog().add(filler(0), published(a1, fileA), filler(1));
  const { dataDir, checker } = await setup(log, log.verifierKeyText);
  await checker.checkPublication(a1, fileA);
  log.tree = new MerkleTree();
  log.entries = [];
  log.add(filler(9), published(a1, fileA), filler(1), published(a2, fileB));
  await assert.rejects(checker.checkPublication(a2, fileB), refused('SECURITY_PROOF_INVALID'));
  assert.equal(await storedSize(dataDir), 3);
  const note = await readFile(logCheckpointFile(dataDir), 'utf8');
  assert.equal(checker.checkpointNote, note, 'the hello carries the stored checkpoint');
});

test('an older view consistent with the stored checkpoint is accepted, never stored', async () => {
  const log = new FakeLog().add(published(a1, fileA), filler(0), filler(1));
  const { dataDir, checker } = await setup(log);
  await checker.checkPublication(a1, fileA);
  const stale = new FakeLog(log.signer).add(published(a1, fileA));
  const staleView = {
    publication: () => stale.publication(a1),
    consistency: (from: number, to: number) => log.consistency(from, to),
    verifierKey: () => log.verifierKey(),
  };
  const again = new LogChecker({ dataDir, ops: staleView, log: () => undefined });
  await again.load();
  await again.checkPublication(a1, fileA);
  assert.equal(await storedSize(dataDir), 3);
});

test('a patch the log does not publish is refused; a pinned key never changes', async () => {
  const log = new FakeLog().add(filler(0));
  const { dataDir, checker } = await setup(log);
  await assert.rejects(checker.checkPublication(a1, fileA), refused('SECURITY_PROOF_INVALID'));
  const other = new FakeLog();
  const given = { dataDir, ops: other, logKey: other.verifierKeyText, log: () => undefined };
  await assert.rejects(
    new LogChecker(given).load(),
    (error: unknown) => error instanceof PatchcastError && error.code === 'CONFIG_INVALID',
  );
  await writeFile(logKeyFile(dataDir), 'not a key\n');
  await assert.rejects(
    new LogChecker({ dataDir, ops: log, log: () => undefined }).load(),
    (error: unknown) => error instanceof PatchcastError && error.code === 'CONFIG_INVALID',
  );
});
