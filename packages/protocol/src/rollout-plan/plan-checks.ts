/** The rules zod's shapes cannot express: waves that add up, selectors that do not overlap. */
import type { z } from 'zod';
import { describeSelector, labelsCompatible, sharedIds } from '@patchcast/core';
import type { RolloutPlan, TargetSelector, WavePlan } from '@patchcast/core';

type Path = readonly (string | number)[];
type Report = (path: Path, message: string) => void;

export function reporter(ctx: z.RefinementCtx): Report {
  return (path, message) => ctx.addIssue({ code: 'custom', path: [...path], message });
}

const percentOf = (w: WavePlan): number => ('percent' in w.size ? w.size.percent : 0);

function checkNames(waves: readonly WavePlan[], base: Path, report: Report): void {
  const seen = new Map<string, number>();
  waves.forEach((w, i) => {
    const first = seen.get(w.name);
    if (first !== undefined) report([...base, i, 'name'], `repeats the name of wave ${first + 1}`);
    else seen.set(w.name, i);
  });
}

const EPSILON = 1e-9;

function checkRest(waves: readonly WavePlan[], total: number, base: Path, report: Report): void {
  const restAt = waves.findIndex((w) => 'rest' in w.size);
  if (restAt !== waves.length - 1)
    report([...base, restAt, 'rest'], 'only the last wave may be rest: true');
  const onlyPercent = waves.every((w) => 'percent' in w.size || 'rest' in w.size);
  if (Math.abs(total - 100) < EPSILON && onlyPercent)
    report(
      [...base, restAt, 'rest'],
      'the waves before already take 100%: this wave is always empty',
    );
}

/** Without a rest wave, the waves must cover the whole target by percentages alone. */
function checkNoRest(waves: readonly WavePlan[], total: number, base: Path, report: Report): void {
  const last = waves.length - 1;
  if (waves.some((w) => !('percent' in w.size)))
    report(
      [...base, last],
      'the last wave must be rest: true when waves use count, labels or ids, so that every device is covered',
    );
  else if (total < 100 - EPSILON)
    report(
      [...base, last, 'percent'],
      `waves add up to ${total}% of the target: reach 100% or make the last wave rest: true`,
    );
}

function checkCoverage(waves: readonly WavePlan[], base: Path, report: Report): void {
  const total = waves.reduce((sum, w) => sum + percentOf(w), 0);
  if (total > 100 + EPSILON) {
    const lastPercent = waves.findLastIndex((w) => 'percent' in w.size);
    report(
      [...base, lastPercent, 'percent'],
      `waves add up to ${total}% of the target, more than 100%`,
    );
  }
  if (waves.some((w) => 'rest' in w.size)) checkRest(waves, total, base, report);
  else checkNoRest(waves, total, base, report);
}

function checkOverlap(waves: readonly WavePlan[], base: Path, report: Report): void {
  waves.forEach((later, j) => {
    waves.slice(0, j).forEach((earlier, i) => {
      const name = `wave ${i + 1} (${earlier.name})`;
      if ('labels' in later.size && 'labels' in earlier.size) {
        if (labelsCompatible(later.size.labels, earlier.size.labels))
          report(
            [...base, j, 'labels'],
            `can select the same devices as ${name}: selectors overlap`,
          );
      } else if ('ids' in later.size && 'ids' in earlier.size) {
        const shared = sharedIds(later.size.ids, earlier.size.ids);
        if (shared.length > 0)
          report(
            [...base, j, 'ids'],
            `device ids ${shared.slice(0, 5).join(', ')} are also in ${name}`,
          );
      }
    });
  });
}

function checkAgainstTarget(
  waves: readonly WavePlan[],
  target: TargetSelector,
  base: Path,
  report: Report,
): void {
  waves.forEach((w, i) => {
    if ('labels' in w.size && 'labels' in target && !labelsCompatible(w.size.labels, target.labels))
      report(
        [...base, i, 'labels'],
        `no device of the target (${describeSelector(target)}) can match`,
      );
    if ('ids' in w.size && 'ids' in target) {
      const inTarget = new Set(target.ids);
      const outside = w.size.ids.filter((id) => !inTarget.has(id));
      if (outside.length > 0)
        report(
          [...base, i, 'ids'],
          `device ids ${outside.slice(0, 5).join(', ')} are not in the target`,
        );
    }
  });
}

export function checkWaves(
  waves: readonly WavePlan[],
  target: TargetSelector,
  base: Path,
  report: Report,
): void {
  checkNames(waves, base, report);
  checkCoverage(waves, base, report);
  checkOverlap(waves, base, report);
  checkAgainstTarget(waves, target, base, report);
}

export function checkPlan(plan: RolloutPlan, report: Report): void {
  checkWaves(plan.waves, plan.target, ['waves'], report);
  if (plan.expedite !== undefined)
    checkWaves(plan.expedite.waves, plan.target, ['expedite', 'waves'], report);
  const { successPercent, failurePercent } = plan.thresholds;
  if (successPercent + failurePercent > 100)
    report(
      ['thresholds', 'failurePercent'],
      `successPercent ${successPercent} + failurePercent ${failurePercent} exceed 100: a wave could neither advance nor pause`,
    );
  const names = new Set<string>();
  plan.judge.metrics.forEach((metric, i) => {
    if (names.has(metric.name)) report(['judge', 'metrics', i, 'name'], 'repeats a metric name');
    names.add(metric.name);
  });
}
