import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom, judgeWave } from '../../src/rollout/index.js';
import type { CohortSample, JudgeInput } from '../../src/rollout/index.js';
import { plan } from './fixtures.js';

const JUDGE = plan().judge;

function values(seed: string, count: number, scale = 1): number[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, () => 100 * Math.exp(0.25 * rng.normal()) * scale);
}

function cohort(failed: number, reported: number, cpu: number[], rps: number[]): CohortSample {
  return { failed, reported, metrics: { cpu, rps } };
}

function input(treated: CohortSample, control: CohortSample, comparisons = 3): JudgeInput {
  return { treated, control, plan: JUDGE, comparisons };
}

const control = cohort(1, 100, values('c-cpu', 99), values('c-rps', 99));

test('judge: a healthy wave passes with a reason per comparison', () => {
  const treated = cohort(1, 100, values('t-cpu', 99), values('t-rps', 99));
  const result = judgeWave(input(treated, control));
  assert.equal(result.verdict, 'pass');
  assert.deepEqual(
    result.findings.map((f) => [f.subject, f.outcome]),
    [
      ['failure-rate', 'pass'],
      ['cpu', 'pass'],
      ['rps', 'pass'],
    ],
  );
  assert.ok(Math.abs(result.alphaPerComparison - 0.05 / 3) < 1e-15);
  for (const finding of result.findings) assert.match(finding.reason, /p=/);
});

test('judge: a higher failure rate fails by Fisher and by size', () => {
  const treated = cohort(20, 100, values('t-cpu', 80), values('t-rps', 80));
  const result = judgeWave(input(treated, control));
  assert.equal(result.verdict, 'fail');
  const [failure] = result.findings;
  assert.equal(failure?.outcome, 'fail');
  assert.match(failure?.reason ?? '', /20\/100 failed \(20%\) vs control 1\/100 \(1%\); Fisher p=/);
  assert.ok((failure?.p ?? 1) < 1e-4);
});

test('judge: harmful metric shifts fail in either direction', () => {
  const hotter = cohort(1, 100, values('t-cpu', 99, 1.3), values('t-rps', 99));
  const cpu = judgeWave(input(hotter, control)).findings[1];
  assert.equal(cpu?.outcome, 'fail');
  assert.ok((cpu?.effect ?? 0) > 20, 'Hodges-Lehmann shift near +30');
  const slower = cohort(1, 100, values('t-cpu', 99), values('t-rps', 99, 0.8));
  const rps = judgeWave(input(slower, control)).findings[2];
  assert.equal(rps?.outcome, 'fail');
  assert.match(rps?.reason ?? '', /^decrease/);
  const faster = cohort(1, 100, values('t-cpu', 99), values('t-rps', 99, 1.3));
  assert.equal(judgeWave(input(faster, control)).findings[2]?.outcome, 'pass', 'better is fine');
});

test('judge: significant but tolerable, or large but unproven, is marginal', () => {
  const bigControl = cohort(0, 4000, values('bc', 4000), values('br', 4000));
  const slightly = cohort(0, 4000, values('bt', 4000, 1.04), values('br2', 4000));
  const small = judgeWave(input(slightly, bigControl)).findings[1];
  assert.equal(small?.outcome, 'marginal', small?.reason);
  assert.ok((small?.p ?? 1) < 0.001 && (small?.effect ?? 99) < 10);
  const base = [70, 90, 100, 110, 130, 150];
  const few = cohort(
    0,
    6,
    base.map((v) => v + 15),
    base,
  );
  const fewControl = cohort(0, 6, base, base);
  const unproven = judgeWave(input(few, fewControl, 30)).findings[1];
  assert.equal(unproven?.effect, 15);
  assert.ok((unproven?.p ?? 0) > 0.1);
  assert.equal(unproven?.outcome, 'marginal', unproven?.reason);
});

test('judge: too little data is marginal, not pass or fail', () => {
  const tiny = cohort(0, 3, [100, 101, 102], [100, 100, 100]);
  const result = judgeWave(input(tiny, control));
  assert.equal(result.findings[1]?.outcome, 'marginal');
  assert.match(result.findings[1]?.reason ?? '', /not enough data: 3 vs 99 values, need 5/);
  assert.equal(result.verdict, 'marginal');
  const empty = judgeWave(input(cohort(0, 0, [], []), control));
  assert.match(empty.findings[0]?.reason ?? '', /no reports/);
});

test('judge: Bonferroni splits alpha over all comparisons of the rollout', () => {
  const treated = cohort(6, 60, values('bt-cpu', 54), values('bt-rps', 54));
  const base = cohort(0, 60, values('bc-cpu', 60), values('bc-rps', 60));
  const alone = judgeWave(input(treated, base, 1));
  const many = judgeWave(input(treated, base, 100));
  const p = alone.findings[0]?.p ?? 0;
  assert.ok(p < 0.05 && p > 0.05 / 100, `p=${p} lies between the two levels`);
  assert.equal(alone.findings[0]?.outcome, 'fail');
  assert.equal(many.findings[0]?.outcome, 'marginal');
});
