import type { JudgePlan, MetricPlan } from './plan.js';
import type { Verdict } from './states.js';
import { fisherGreater } from './stats/fisher.js';
import { hodgesLehmannShift, median } from './stats/hodges-lehmann.js';
import { mannWhitneyGreater } from './stats/mann-whitney.js';

/** What one cohort reported: how many devices, how many failed, and numeric metrics. */
export interface CohortSample {
  readonly reported: number;
  readonly failed: number;
  readonly metrics: Readonly<Record<string, readonly number[]>>;
}

export interface Finding {
  /** `failure-rate` or the metric's name. */
  readonly subject: string;
  readonly outcome: Verdict;
  /** One-sided p-value for "the wave is worse", when a test ran. */
  readonly p: number | null;
  /** Harmful shift estimate (percentage points for failure rate, metric units otherwise). */
  readonly effect: number | null;
  readonly reason: string;
}

export interface JudgeVerdict {
  readonly verdict: Verdict;
  /** The significance level each comparison used, after the Bonferroni split. */
  readonly alphaPerComparison: number;
  readonly findings: readonly Finding[];
}

export interface JudgeInput {
  readonly treated: CohortSample;
  readonly control: CohortSample;
  readonly plan: JudgePlan;
  /** Number of comparisons the rollout-wide alpha is split across. */
  readonly comparisons: number;
}

/** Combines significance and size: both bad is fail, either alone is marginal. */
function classify(significant: boolean, beyond: boolean): Verdict {
  if (significant && beyond) return 'fail';
  return significant || beyond ? 'marginal' : 'pass';
}

const fmt = (value: number): string => Number(value.toPrecision(3)).toString();

function failureRateFinding(input: JudgeInput, alpha: number): Finding {
  const { treated, control, plan } = input;
  if (treated.reported === 0 || control.reported === 0)
    return none('failure-rate', 'marginal', 'no reports to compare yet');
  const treatedRate = (100 * treated.failed) / treated.reported;
  const controlRate = (100 * control.failed) / control.reported;
  const p = fisherGreater({
    treatedFailures: treated.failed,
    treatedTotal: treated.reported,
    controlFailures: control.failed,
    controlTotal: control.reported,
  });
  const effect = treatedRate - controlRate;
  const outcome = classify(p < alpha, effect > plan.failureRateTolerancePoints);
  const reason =
    `${treated.failed}/${treated.reported} failed (${fmt(treatedRate)}%) vs control ` +
    `${control.failed}/${control.reported} (${fmt(controlRate)}%); Fisher p=${fmt(p)} ` +
    `${p < alpha ? '<' : '>='} ${fmt(alpha)}; excess ${fmt(effect)} points, tolerance ` +
    `${plan.failureRateTolerancePoints}`;
  return { subject: 'failure-rate', outcome, p, effect, reason };
}

function none(subject: string, outcome: Verdict, reason: string): Finding {
  return { subject, outcome, p: null, effect: null, reason };
}

function toleranceOf(metric: MetricPlan, controlMedian: number): number {
  const { tolerance } = metric;
  return 'absolute' in tolerance
    ? tolerance.absolute
    : tolerance.relative * Math.abs(controlMedian);
}

function metricFinding(input: JudgeInput, metric: MetricPlan, alpha: number): Finding {
  const treated = input.treated.metrics[metric.name] ?? [];
  const control = input.control.metrics[metric.name] ?? [];
  const min = input.plan.minSamples;
  if (treated.length < min || control.length < min)
    return none(
      metric.name,
      'marginal',
      `not enough data: ${treated.length} vs ${control.length} values, need ${min}`,
    );
  const [worse, better] =
    metric.direction === 'increase-is-bad' ? [treated, control] : [control, treated];
  const test = mannWhitneyGreater(worse, better);
  const effect = hodgesLehmannShift(worse, better);
  const tolerance = toleranceOf(metric, median(control));
  const outcome = classify(test.p < alpha, effect > tolerance);
  const reason =
    `${metric.direction === 'increase-is-bad' ? 'increase' : 'decrease'} ${fmt(effect)} ` +
    `(Hodges-Lehmann; tolerance ${fmt(tolerance)}); Mann-Whitney U=${test.u} ${test.method} ` +
    `p=${fmt(test.p)} ${test.p < alpha ? '<' : '>='} ${fmt(alpha)}; n=${treated.length} vs ${control.length}`;
  return { subject: metric.name, outcome, p: test.p, effect, reason };
}

const RANK: Readonly<Record<Verdict, number>> = { pass: 0, marginal: 1, fail: 2 };

/**
 * Kayenta-style canary judgement of one wave against its control cohort: the failure rate by a
 * one-sided Fisher exact test, each metric by a one-sided Mann-Whitney U test plus a
 * Hodges-Lehmann effect size against its tolerance. The rollout-wide alpha is split evenly over
 * all comparisons (Bonferroni). The worst finding is the verdict.
 */
export function judgeWave(input: JudgeInput): JudgeVerdict {
  const alpha = input.plan.alpha / Math.max(1, input.comparisons);
  const findings = [
    failureRateFinding(input, alpha),
    ...input.plan.metrics.map((metric) => metricFinding(input, metric, alpha)),
  ];
  const verdict = findings.reduce<Verdict>(
    (worst, f) => (RANK[f.outcome] > RANK[worst] ? f.outcome : worst),
    'pass',
  );
  return { verdict, alphaPerComparison: alpha, findings };
}
