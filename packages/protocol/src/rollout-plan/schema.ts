/** The rollout plan file (YAML or JSON): its zod schema, whose output is core's RolloutPlan. */
import { z } from 'zod';
import { FAIL_ACTIONS, MARGINAL_ACTIONS, METRIC_DIRECTIONS } from '@patchcast/core';
import type { RolloutPlan } from '@patchcast/core';
import { checkPlan, reporter } from './plan-checks.js';
import { cron, duration, target, timezone, tolerance } from './plan-fields.js';
import { waves } from './wave-schema.js';

const thresholds = z.strictObject({
  successPercent: z.number().gt(0).max(100).default(95),
  failurePercent: z.number().min(0).lt(100).default(5),
});

const maintenanceWindow = z.strictObject({
  cron,
  timezone,
  duration: duration.refine((s) => s >= 60, { error: 'must be at least 1m' }),
});

const metric = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/, {
    error: 'must start with a letter and use letters, digits, _ . -',
  }),
  direction: z.enum(METRIC_DIRECTIONS),
  tolerance,
});

const judge = z.strictObject({
  alpha: z.number().gt(0).max(0.5).default(0.05),
  control: z.union([z.literal('wave'), z.number().int().min(1).max(1_000_000)]).default('wave'),
  minSamples: z.number().int().min(2).max(100_000).default(10),
  failureRateTolerance: z.number().min(0).max(100).default(1),
  metrics: z.array(metric).max(50).default([]),
  onMarginal: z.enum(MARGINAL_ACTIONS).default('continue'),
});

const expedite = z.strictObject({
  waves,
  ignoreMaintenanceWindows: z.boolean().default(false),
});

const planInput = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  target,
  waves,
  thresholds: thresholds.prefault({}),
  maxConcurrent: z.number().int().min(1).max(1_000_000).default(100),
  waveTimeout: duration.default(86_400),
  installTimeout: duration.default(7_200),
  maintenanceWindows: z.array(maintenanceWindow).max(50).default([]),
  judge: judge.prefault({}),
  onFail: z.enum(FAIL_ACTIONS).default('pause'),
  expedite: expedite.optional(),
});

function toPlan(input: z.output<typeof planInput>): RolloutPlan {
  const { judge: j, maintenanceWindows, waveTimeout, installTimeout, ...rest } = input;
  return {
    ...rest,
    waveTimeoutSeconds: waveTimeout,
    installTimeoutSeconds: installTimeout,
    maintenanceWindows: maintenanceWindows.map((w) => ({
      cron: w.cron,
      timezone: w.timezone,
      durationSeconds: w.duration,
    })),
    judge: {
      alpha: j.alpha,
      controlSize: j.control,
      minSamples: j.minSamples,
      failureRateTolerancePoints: j.failureRateTolerance,
      metrics: j.metrics,
      onMarginal: j.onMarginal,
    },
  };
}

/** Validates a parsed plan document and produces the engine's RolloutPlan. */
export const rolloutPlanSchema = planInput
  .transform(toPlan)
  .superRefine((plan, ctx) => checkPlan(plan, reporter(ctx)));
