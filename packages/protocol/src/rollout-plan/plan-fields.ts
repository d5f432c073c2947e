/** The small building blocks of the rollout plan schema. */
import { z } from 'zod';
import { CRON_FIELDS, isTimeZone, parseCron } from '@patchcast/core';
import type { TargetSelector, Tolerance } from '@patchcast/core';

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_DURATION_SECONDS = 90 * 86_400;

/** `90s`, `30m`, `4h`, `2d` as seconds. */
export const duration = z
  .string({ error: 'must be a duration like 90s, 30m, 4h or 2d' })
  .regex(/^\d{1,6}[smhd]$/, { error: 'must be a duration like 90s, 30m, 4h or 2d' })
  .transform((text) => Number(text.slice(0, -1)) * (UNITS[text.slice(-1)] ?? 1))
  .refine((seconds) => seconds <= MAX_DURATION_SECONDS, { error: 'must be at most 90d' });

export const percent = z
  .number({ error: 'must be a number' })
  .gt(0, { error: 'must be more than 0%' })
  .max(100, { error: 'must be at most 100%' });

export const labels = z
  .record(
    z.string().regex(/^[a-zA-Z0-9._/-]{1,63}$/, { error: 'label names use a-z, 0-9, . _ / -' }),
    z.string().max(255),
  )
  .refine((l) => Object.keys(l).length > 0, { error: 'needs at least one label' });

export const deviceIds = z
  .array(z.string().min(1).max(255))
  .min(1, { error: 'needs at least one device id' })
  .max(100_000)
  .refine((ids) => new Set(ids).size === ids.length, { error: 'lists a device id twice' });

export const target = z.union(
  [
    z.literal('all').transform((): TargetSelector => ({ all: true })),
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({ labels }),
    z.strictObject({ ids: deviceIds }),
  ],
  { error: 'must be all, {labels: {...}} or {ids: [...]}' },
);

export const tolerance = z
  .strictObject({
    relative: z.number().min(0).max(100).optional(),
    absolute: z.number().min(0).optional(),
  })
  .refine((t) => (t.relative === undefined) !== (t.absolute === undefined), {
    error: 'give exactly one of relative or absolute',
  })
  .transform((t): Tolerance =>
    t.relative === undefined ? { absolute: t.absolute ?? 0 } : { relative: t.relative },
  );

export const cron = z.string().superRefine((text, ctx) => {
  const parsed = parseCron(text);
  if (!parsed.ok)
    ctx.addIssue({
      code: 'custom',
      message: `${parsed.message} (fields: ${CRON_FIELDS.join(' ')})`,
    });
});

export const timezone = z.string().refine(isTimeZone, {
  error: 'is not an IANA time zone such as Europe/Berlin or UTC',
});
