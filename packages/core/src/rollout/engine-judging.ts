import type { EngineState, HealthReport, WaveRun } from './engine-types.js';
import { judgeWave } from './judge.js';
import type { CohortSample, JudgeVerdict } from './judge.js';

function collect(into: Record<string, number[]>, metrics: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(metrics)) {
    if (!Number.isFinite(value)) continue;
    (into[name] ??= []).push(value);
  }
}

function treatedSample(state: EngineState, wave: WaveRun): CohortSample {
  const metrics: Record<string, number[]> = {};
  let failed = 0;
  let reported = 0;
  for (const id of wave.devices) {
    const result = state.results[id];
    if (result === undefined) continue;
    reported += 1;
    if (result.ok) collect(metrics, result.metrics);
    else failed += 1;
  }
  return { reported, failed, metrics };
}

function controlSample(reports: Readonly<Record<string, HealthReport>>): CohortSample {
  const metrics: Record<string, number[]> = {};
  let failed = 0;
  let reported = 0;
  for (const report of Object.values(reports)) {
    reported += 1;
    if (report.healthy) collect(metrics, report.metrics);
    else failed += 1;
  }
  return { reported, failed, metrics };
}

function trivial(reason: string): JudgeVerdict {
  return {
    verdict: 'pass',
    alphaPerComparison: 0,
    findings: [{ subject: 'wave', outcome: 'pass', p: null, effect: null, reason }],
  };
}

/** The judge's verdict on a wave from the results and control reports collected so far. */
export function judgeRun(state: EngineState, wave: WaveRun): JudgeVerdict {
  if (wave.devices.length === 0) return trivial('empty wave: nothing to judge');
  if (wave.control.length === 0)
    return trivial('no control cohort is left for the last wave: judged by thresholds only');
  return judgeWave({
    treated: treatedSample(state, wave),
    control: controlSample(wave.controlReports),
    plan: state.plan.judge,
    comparisons: state.comparisons,
  });
}
