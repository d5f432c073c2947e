/**
 * Kills a real `patchcast apply` with SIGKILL at every named point of the transaction, runs
 * `patchcast apply --recover`, and demands that the root is byte for byte (content, modes, links,
 * folders) the old tree or the new tree, and that a second recovery does nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverTransactions } from '@patchcast/agent';
import { expectedTree, newCase, NEW_TREE, OLD_TREE, run } from './crash-harness.js';
import type { Case } from './crash-harness.js';
import { snapshot } from './tree.js';

type Outcome = 'old' | 'new';

/**
 * Points of a healthy install. Actions: 0 bin/tool, 1 etc/app.conf, 2-3 opt/app/... (files),
 * 4 bin/app (link replaced), 5 opt/app/current (link created), 6 lib/old.so (removal).
 */
const HEALTHY: readonly (readonly [string, Outcome])[] = [
  ['tx-created', 'old'],
  ...[0, 3, 4].map((i) => [`staged-${i}`, 'old'] as const),
  ['staged-all', 'old'],
  ['journal-prepared-temp', 'old'],
  ['journal-prepared', 'old'],
  ['pre-install-done', 'old'],
  ...[0, 4, 6].map((i) => [`backed-up-${i}`, 'old'] as const),
  ['backups-synced', 'old'],
  ['journal-applying-temp', 'old'],
  ['journal-applying', 'old'],
  ...[0, 2].map((i) => [`created-dir-${i}`, 'old'] as const),
  ...[0, 4, 6].map((i) => [`applying-${i}`, 'old'] as const),
  ...[0, 1, 2, 3, 4, 5, 6].map((i) => [`applied-${i}`, 'old'] as const),
  ['applied-all', 'old'],
  ['post-install-done', 'old'],
  ['health-done', 'old'],
  ['journal-committed-temp', 'old'],
  ['journal-committed', 'new'],
  ['discard-backups-gone', 'new'],
  ['discard-journal-gone', 'new'],
];

/** Points of an install whose health check fails: every one must end in the old tree. */
const ROLLING_BACK: readonly string[] = [
  'journal-rolling-back-temp',
  'journal-rolling-back',
  ...[6, 4, 3, 0].map((i) => `undone-${i}`),
  ...[2, 0].map((i) => `removed-dir-${i}`),
  'rolled-back',
  'discard-journal-gone',
];

describe('crash harness: SIGKILL at every point of an install, then --recover', () => {
  let base: string;
  const expected: Record<Outcome, string[]> = { old: [], new: [] };
  let n = 0;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'patchcast-crash-'));
    expected.old = await snapshot(await expectedTree(base, 'expected-old', OLD_TREE));
    expected.new = await snapshot(await expectedTree(base, 'expected-new', NEW_TREE));
  });
  after(() => rm(base, { recursive: true, force: true }));

  const flags = (c: Case) => ['--root', c.root, '--state', c.state];
  /** The engine's crash points come after verification: bare bundles, through --unsigned. */
  const install = (c: Case) => ['apply', c.bundle, '--unsigned', ...flags(c)];

  async function crash(c: Case, point: string, args: readonly string[]): Promise<void> {
    const killed = await run(args, point);
    assert.equal(killed.signal, 'SIGKILL', `${point} was never reached: ${killed.stderr}`);
  }

  async function recoverTo(c: Case, outcome: Outcome): Promise<void> {
    const first = await run(['apply', '--recover', ...flags(c), '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(await snapshot(c.root), expected[outcome], `root is not the ${outcome} tree`);
    assert.deepEqual(await readdir(join(c.state, 'tx')), []);
    const second = await recoverTransactions(c.root, c.state);
    assert.deepEqual(second, { recovered: 0, action: 'none' });
    assert.deepEqual(await snapshot(c.root), expected[outcome]);
  }

  test('the uninterrupted install and the uninterrupted rollback reach the two trees', async () => {
    const ok = await newCase(base, `case-${++n}`, true);
    assert.equal((await run(install(ok))).code, 0);
    assert.deepEqual(await snapshot(ok.root), expected.new);
    const sick = await newCase(base, `case-${++n}`, false);
    const result = await run(install(sick));
    assert.match(result.stderr, /^error\[HEALTH_CHECK_FAILED\]/m);
    assert.deepEqual(await snapshot(sick.root), expected.old);
  });

  describe('killed while installing', { concurrency: 3 }, () => {
    for (const [point, outcome] of HEALTHY) {
      test(`${point} -> ${outcome} tree`, async () => {
        const c = await newCase(base, `case-${++n}`, true);
        await crash(c, point, install(c));
        await recoverTo(c, outcome);
      });
    }
  });

  describe('killed while rolling back a failed health check', { concurrency: 3 }, () => {
    for (const point of ROLLING_BACK) {
      test(`${point} -> old tree`, async () => {
        const c = await newCase(base, `case-${++n}`, false);
        await crash(c, point, install(c));
        await recoverTo(c, 'old');
      });
    }
  });

  describe('killed again while recovering', { concurrency: 3 }, () => {
    const twice = [
      ['applied-3', 'undone-2'],
      ['applied-all', 'removed-dir-1'],
      ['applied-5', 'undone-4'],
    ] as const;
    for (const [installPoint, recoverPoint] of twice) {
      test(`${installPoint}, then ${recoverPoint} during recovery -> old tree`, async () => {
        const c = await newCase(base, `case-${++n}`, true);
        await crash(c, installPoint, install(c));
        await crash(c, recoverPoint, ['apply', '--recover', ...flags(c)]);
        await recoverTo(c, 'old');
      });
    }
  });
});
