/** Differential test: our Debian ordering against the real `dpkg --compare-versions`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { compareVersions } from '../../src/versions/index.js';
import { debianPair } from './arbitraries.js';
import { FIXTURES, readComparisons } from './vector-files.js';

const RANDOM_PAIRS = 2000;
const OPERATORS = ['lt', 'eq', 'gt'] as const;
type Operator = (typeof OPERATORS)[number];
type Pair = readonly [string, string];

/** Versions reach the shell inside single quotes; the generators never produce one. */
const SHELL_SAFE = /^[0-9A-Za-z.+~:-]+$/;

function dpkgAvailable(): boolean {
  try {
    execFileSync('dpkg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ourOperator([a, b]: Pair): Operator {
  return OPERATORS[Math.sign(compareVersions('Debian', a, b)) + 1] ?? 'eq';
}

/**
 * One dpkg call per pair, asking for the relation we computed: lt, eq and gt are exclusive and
 * exhaustive for dpkg, so a confirmation is full agreement.
 */
function script(pairs: readonly Pair[]): string {
  return pairs
    .map((pair) => {
      const [a, b] = pair;
      assert.ok(SHELL_SAFE.test(a) && SHELL_SAFE.test(b), `not shell-safe: ${a} ${b}`);
      return `dpkg --compare-versions '${a}' ${ourOperator(pair)} '${b}' && echo y || echo n`;
    })
    .join('\n');
}

/** All pairs in one shell: a process per dpkg call is the cost, so keep everything else out. */
function runShell(input: string): { readonly answers: readonly string[]; readonly stderr: string } {
  const result = spawnSync('sh', ['-s'], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' },
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(result.error, undefined);
  return { answers: result.stdout.split('\n').filter((l) => l !== ''), stderr: result.stderr };
}

/** dpkg's own relation, for the report of a disagreement. */
function dpkgOperator([a, b]: Pair): string {
  const holds = (op: Operator): boolean => {
    try {
      execFileSync('dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  return OPERATORS.find(holds) ?? 'error';
}

function fixturePairs(): Pair[] {
  return readComparisons(FIXTURES, 'debian-tricky.txt').map((c): Pair => [c.a, c.b]);
}

test('Debian ordering agrees with dpkg --compare-versions on random and tricky pairs', (t) => {
  if (!dpkgAvailable()) {
    t.skip('dpkg is not installed: the dpkg --compare-versions oracle test did not run');
    return;
  }
  const seed = Number(process.env['PATCHCAST_FC_SEED'] ?? Date.now() % 0x7fffffff);
  const pairs = [...fixturePairs(), ...fc.sample(debianPair, { numRuns: RANDOM_PAIRS, seed })];
  const started = Date.now();
  const { answers, stderr } = runShell(script(pairs));
  assert.equal(stderr, '', 'dpkg reported bad syntax');
  assert.equal(answers.length, pairs.length);
  const disagreements = pairs
    .filter((_, i) => answers[i] !== 'y')
    .slice(0, 10)
    .map(
      (pair) => `${pair[0]} vs ${pair[1]}: ours ${ourOperator(pair)}, dpkg ${dpkgOperator(pair)}`,
    );
  assert.deepEqual(disagreements, [], `fast-check seed ${seed}`);
  const tally = OPERATORS.map((op) => `${op} ${pairs.filter((p) => ourOperator(p) === op).length}`);
  t.diagnostic(
    `${pairs.length} pairs confirmed by dpkg in ${Date.now() - started} ms ` +
      `(${tally.join(', ')}; seed ${seed})`,
  );
});
