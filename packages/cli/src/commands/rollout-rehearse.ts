import { readFile, writeFile } from 'node:fs/promises';
import { PatchcastError, rehearse } from '@patchcast/core';
import type { RehearsalTimeline } from '@patchcast/core';
import { parsePlan } from '@patchcast/protocol';
import type { Invocation, Options } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { printJson } from '../context.js';
import { timelineSvg } from '../rehearse/chart-svg.js';
import { renderTimeline } from '../rehearse/render-timeline.js';

/** Flags `rollout rehearse` needs beyond those `rollout` already has (devices, json). */
export const REHEARSE_OPTIONS: Options = {
  'failure-rate': { type: 'string' },
  'metric-shift': { type: 'string' },
  seed: { type: 'string' },
  chart: { type: 'string' },
  expedite: { type: 'boolean' },
};

export const REHEARSE_HELP = `  rehearse PLAN --devices N --failure-rate F [--metric-shift X] [--seed S] [--expedite]
        [--json] [--chart FILE]           run PLAN's engine and judge against N simulated agents
        F: share of devices the patch breaks (0-1); X: how much worse it makes each judged
        metric (0.2 = 20%); the same seed gives the same timeline; --chart writes an SVG.
        Exits 0 when the rehearsed rollout completes, 1 when it stopped.`;

const MAX_DEVICES = 1_000_000;

function numberFlag(
  invocation: Invocation,
  name: string,
  text: string,
  min: number,
  max: number,
): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    throw new PatchcastError(
      'USAGE',
      `--${name} "${text}" must be a number from ${min} to ${max}`,
      {
        hint: 'see: patchcast rollout --help',
      },
    );
  return value;
}

async function readPlanFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PatchcastError('NOT_FOUND', `cannot read plan ${path}: ${(error as Error).message}`, {
      hint: 'pass the path of a rollout plan, e.g. examples/rollout-plan.yaml',
      cause: error,
    });
  }
}

async function writeChart(path: string, timeline: RehearsalTimeline): Promise<void> {
  try {
    await writeFile(path, timelineSvg(timeline));
  } catch (error) {
    throw new PatchcastError(
      'INVALID_INPUT',
      `cannot write chart ${path}: ${(error as Error).message}`,
      {
        hint: 'choose a writable path for --chart',
        cause: error,
      },
    );
  }
}

function options(invocation: Invocation) {
  const devices = numberFlag(
    invocation,
    'devices',
    requiredFlag(invocation, 'devices', 'e.g. --devices 10000'),
    1,
    MAX_DEVICES,
  );
  if (!Number.isInteger(devices))
    throw new PatchcastError('USAGE', `--devices "${devices}" must be a whole number`);
  const failureRate = numberFlag(
    invocation,
    'failure-rate',
    requiredFlag(invocation, 'failure-rate', 'e.g. --failure-rate 0.2'),
    0,
    1,
  );
  const shift = stringFlag(invocation, 'metric-shift');
  const metricShift =
    shift === undefined ? 0 : numberFlag(invocation, 'metric-shift', shift, 0, 10);
  const seed = stringFlag(invocation, 'seed') ?? '1';
  return { devices, failureRate, metricShift, seed, expedite: boolFlag(invocation, 'expedite') };
}

/**
 * `patchcast rollout rehearse PLAN --devices N --failure-rate F [--metric-shift X] [--seed S]
 * [--expedite] [--json] [--chart FILE]`: the real engine and judge against simulated agents.
 */
export async function rehearseAction(invocation: Invocation): Promise<number> {
  const path = invocation.positionals[1];
  if (path === undefined || path === '')
    throw new PatchcastError('USAGE', 'rollout rehearse needs a PLAN file', {
      hint: 'e.g. patchcast rollout rehearse examples/rollout-plan.yaml --devices 10000 --failure-rate 0.2',
    });
  const flags = options(invocation);
  const plan = parsePlan(await readPlanFile(path), path);
  const timeline = rehearse({ plan, ...flags });
  const chart = stringFlag(invocation, 'chart');
  if (chart !== undefined) await writeChart(chart, timeline);
  if (boolFlag(invocation, 'json')) printJson(invocation, timeline);
  else invocation.io.out(renderTimeline(timeline, path));
  return timeline.outcome === 'completed' ? 0 : 1;
}
