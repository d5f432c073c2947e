/**
 * Differential test: our RPM ordering against rpm's own. One `rpm --eval` runs a Lua loop over a
 * file of pairs and prints rpm.vercmp (rpmverCmp: epoch, version, release) for each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compareVersions } from '../../src/versions/index.js';
import { rpmPair } from './arbitraries.js';
import { FIXTURES, readComparisons } from './vector-files.js';

const RANDOM_PAIRS = 20_000;
type Pair = readonly [string, string];

const ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: tmpdir() };

function rpmAvailable(): boolean {
  const probe = spawnSync('rpm', ['--eval', '%{lua: print(rpm.vercmp("1", "2"))}'], {
    encoding: 'utf8',
    env: ENV,
  });
  return probe.status === 0 && probe.stdout.trim() === '-1';
}

/** Lua reads "a b" lines from `file` and prints one result per line (no quoting issues). */
function luaLoop(file: string): string {
  return (
    `%{lua: for line in io.lines(${JSON.stringify(file)}) do ` +
    `local a, b = line:match("^(%S+) (%S+)$") ` +
    `print(rpm.vercmp(a, b) .. "\\n") end}`
  );
}

function rpmAnswers(pairs: readonly Pair[]): readonly number[] {
  const dir = mkdtempSync(join(tmpdir(), 'patchcast-rpm-oracle-'));
  try {
    const file = join(dir, 'pairs.txt');
    writeFileSync(file, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
    const result = spawnSync('rpm', ['--eval', luaLoop(file)], {
      encoding: 'utf8',
      env: ENV,
      maxBuffer: 16 * 1024 * 1024,
    });
    assert.equal(result.status, 0, `rpm --eval failed: ${result.stderr}`);
    return result.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ours([a, b]: Pair): number {
  return Math.sign(compareVersions('Red Hat', a, b));
}

function fixturePairs(): Pair[] {
  return readComparisons(FIXTURES, 'rpm-tricky.txt').map((c): Pair => [c.a, c.b]);
}

test('RPM ordering agrees with rpm.vercmp on random and tricky pairs', (t) => {
  if (!rpmAvailable()) {
    t.skip('rpm is not installed (Debian package rpm): the rpm.vercmp oracle test did not run');
    return;
  }
  const seed = Number(process.env['PATCHCAST_FC_SEED'] ?? Date.now() % 0x7fffffff);
  const pairs = [...fixturePairs(), ...fc.sample(rpmPair, { numRuns: RANDOM_PAIRS, seed })];
  for (const [a, b] of pairs) assert.ok(!/\s/.test(a + b), `whitespace in ${a} ${b}`);
  const started = Date.now();
  const answers = rpmAnswers(pairs);
  assert.equal(answers.length, pairs.length, 'rpm printed one answer per pair');
  const disagreements = pairs
    .map((pair, i) => ({ pair, rpm: Math.sign(answers[i] ?? Number.NaN), ours: ours(pair) }))
    .filter((d) => d.rpm !== d.ours)
    .slice(0, 10)
    .map((d) => `${d.pair[0]} vs ${d.pair[1]}: ours ${d.ours}, rpm ${d.rpm}`);
  assert.deepEqual(disagreements, [], `fast-check seed ${seed}`);
  const tally = [-1, 0, 1].map((s) => `${s}: ${pairs.filter((p) => ours(p) === s).length}`);
  t.diagnostic(
    `${pairs.length} pairs confirmed by rpm.vercmp in ${Date.now() - started} ms ` +
      `(${tally.join(', ')}; seed ${seed})`,
  );
});
