import { z } from 'zod';
import type { WavePlan, WaveSize } from '@patchcast/core';
import { deviceIds, duration, labels, percent } from './plan-fields.js';

export const SIZE_KEYS = ['percent', 'count', 'labels', 'ids', 'rest'] as const;

const waveInput = z.strictObject({
  name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,62}$/, { error: 'must be 1-63 letters, digits, . _ -' })
    .optional(),
  percent: percent.optional(),
  count: z.number().int({ error: 'must be a whole number' }).min(1).max(10_000_000).optional(),
  labels: labels.optional(),
  ids: deviceIds.optional(),
  rest: z.literal(true, { error: 'must be true' }).optional(),
  bake: duration,
  approval: z.boolean().default(false),
});

type WaveInput = z.output<typeof waveInput>;

function sizeOf(wave: WaveInput): WaveSize {
  if (wave.percent !== undefined) return { percent: wave.percent };
  if (wave.count !== undefined) return { count: wave.count };
  if (wave.labels !== undefined) return { labels: wave.labels };
  if (wave.ids !== undefined) return { ids: wave.ids };
  return { rest: true };
}

export const wave = waveInput
  .superRefine((input, ctx) => {
    const given = SIZE_KEYS.filter((key) => input[key] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: given.length > 1 ? [given[1] ?? 'rest'] : [],
        message: `give exactly one of ${SIZE_KEYS.join(', ')} (got ${given.length === 0 ? 'none' : given.join(' and ')})`,
      });
  })
  .transform((input): Omit<WavePlan, 'name'> & { name: string | undefined } => ({
    name: input.name,
    size: sizeOf(input),
    bakeSeconds: input.bake,
    approval: input.approval,
  }));

export const waves = z
  .array(wave)
  .min(1, { error: 'needs at least one wave' })
  .max(100)
  .transform((list): WavePlan[] => list.map((w, i) => ({ ...w, name: w.name ?? `wave ${i + 1}` })));
