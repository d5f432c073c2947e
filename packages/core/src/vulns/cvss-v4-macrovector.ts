/**
 * CVSS v4.0 §8.2 "Equivalence sets": the effective value of each metric (environmental overrides,
 * defaults for unset threat and requirement metrics) and the six-digit MacroVector.
 */
import type { CvssMetrics } from './cvss-vector.js';

/** The value a metric takes in scoring. */
export type EffectiveMetric = (metric: string) => string;

const REQUIREMENTS = ['CR', 'IR', 'AR'];

/**
 * §4.1 and §5: an unset Exploit Maturity scores as Attacked (A), unset requirements as High (H),
 * and a modified base metric (M*) other than X replaces its base metric.
 */
export function effectiveMetrics(metrics: CvssMetrics): EffectiveMetric {
  return (metric) => {
    const value = metrics[metric];
    const unset = value === undefined || value === 'X';
    if (metric === 'E') return unset ? 'A' : value;
    if (REQUIREMENTS.includes(metric)) return unset ? 'H' : value;
    const modified = metrics[`M${metric}`];
    return modified !== undefined && modified !== 'X' ? modified : (value ?? '');
  };
}

function eq1(m: EffectiveMetric): number {
  const [av, pr, ui] = [m('AV'), m('PR'), m('UI')];
  if (av === 'N' && pr === 'N' && ui === 'N') return 0;
  return (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P' ? 1 : 2;
}

function eq2(m: EffectiveMetric): number {
  return m('AC') === 'L' && m('AT') === 'N' ? 0 : 1;
}

function eq3(m: EffectiveMetric): number {
  const [vc, vi, va] = [m('VC'), m('VI'), m('VA')];
  if (vc === 'H' && vi === 'H') return 0;
  return vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
}

function eq4(m: EffectiveMetric): number {
  const [sc, si, sa] = [m('SC'), m('SI'), m('SA')];
  if (si === 'S' || sa === 'S') return 0;
  return sc === 'H' || si === 'H' || sa === 'H' ? 1 : 2;
}

const EQ5: Readonly<Record<string, number>> = { A: 0, P: 1, U: 2 };

function eq6(m: EffectiveMetric): number {
  const high = (requirement: string, impact: string) => m(requirement) === 'H' && m(impact) === 'H';
  return high('CR', 'VC') || high('IR', 'VI') || high('AR', 'VA') ? 0 : 1;
}

/** The MacroVector: the EQ1..EQ6 levels as six digits, e.g. '000000' for the most severe. */
export function macroVectorOf(m: EffectiveMetric): string {
  return [eq1(m), eq2(m), eq3(m), eq4(m), EQ5[m('E')] ?? 0, eq6(m)].join('');
}
