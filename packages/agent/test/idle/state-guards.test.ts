/**
 * The agent's own files are checked with hand-written guards (no zod at idle). Each guard accepts
 * and refuses what the zod schema it replaced does (kept here as the reference), on generated
 * valid files, near misses and arbitrary JSON, and has the zod schema's type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { z } from 'zod';
import { DEVICE_STATES, installedPatchSchema, reportSchema } from '@patchcast/protocol';
import { isTimeZone, parseCron } from '@patchcast/core/schedule';
import { identityGuard } from '../../src/identity.js';
import { stateGuard } from '../../src/state.js';
import { serversFileGuard } from '../../src/servers.js';
import { downloadPolicyGuard } from '../../src/policy.js';
import { WEEKDAYS, maintenancePolicyGuard } from '../../src/maintenance-window.js';
import type { guards } from '@patchcast/protocol/agent';

const hex = z.string().regex(/^[0-9a-f]{64}$/);
const identitySchema = z.strictObject({
  deviceId: z.string(),
  server: z.string(),
  publicKey: hex,
  privateKey: hex,
});
const stateSchema = z.strictObject({
  installed: z.array(installedPatchSchema),
  results: z.record(z.string(), reportSchema),
  outbox: z.array(reportSchema),
  lastTimestampVersion: z.number().int().nonnegative(),
});
const serversSchema = z.strictObject({ servers: z.array(z.string()).min(1).max(64) });
const policySchema = z.strictObject({
  maxDownloadBytesPerSecond: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40)
    .optional(),
});
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;
const timezone = z.string().refine(isTimeZone, 'is not an IANA time zone');
const maintenanceSchema = z.strictObject({
  windows: z
    .array(
      z.union([
        z.strictObject({
          cron: z.string().refine((c) => parseCron(c).ok, 'is not a five-field cron expression'),
          timezone,
          durationSeconds: z
            .number()
            .int()
            .min(1)
            .max(7 * 86_400),
        }),
        z.strictObject({
          days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
          start: z.string().regex(TIME),
          end: z.string().regex(TIME),
          timezone,
        }),
      ]),
    )
    .max(100),
  maxDeferralSeconds: z.number().int().min(1).optional(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [
  Same<guards.Infer<typeof identityGuard>, z.infer<typeof identitySchema>>,
  Same<guards.Infer<typeof stateGuard>, z.infer<typeof stateSchema>>,
  Same<guards.Infer<typeof serversFileGuard>, z.infer<typeof serversSchema>>,
  Same<guards.Infer<typeof downloadPolicyGuard>, z.infer<typeof policySchema>>,
  Same<guards.Infer<typeof maintenancePolicyGuard>, z.infer<typeof maintenanceSchema>>,
] = [true, true, true, true, true];

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const text = (max: number) =>
  fc.oneof(fc.string({ maxLength: Math.min(max, 16) }), fc.constant('m'.repeat(max)));
const patch = fc.record({ name: text(128), version: text(64) });
const report = fc.record(
  {
    type: fc.constant('report'),
    reportId: fc.string({ minLength: 8, maxLength: 64 }),
    rolloutId: text(64),
    patch,
    state: fc.constantFrom(...DEVICE_STATES),
    error: fc.record({ code: text(64), message: text(4096) }),
    rebootRequired: fc.constant(true),
    bootId: text(64),
  },
  { requiredKeys: ['type', 'reportId', 'rolloutId', 'patch', 'state'] },
);
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.boolean())
  .map(
    ([h, m, s]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}${s ? ':30' : ''}`,
  );
const zone = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Mars/Olympus');
const maintenance = fc.record(
  {
    windows: fc.array(
      fc.oneof(
        fc.record({
          cron: fc.constantFrom('0 2 * * *', '*/15 * * * 1-5', 'every day'),
          timezone: zone,
          durationSeconds: fc.integer({ min: 1, max: 7 * 86_400 }),
        }),
        fc.record(
          {
            days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
            start: time,
            end: time,
            timezone: zone,
          },
          { requiredKeys: ['start', 'end', 'timezone'] },
        ),
      ),
      { maxLength: 3 },
    ),
    maxDeferralSeconds: fc.integer({ min: 1 }),
  },
  { requiredKeys: ['windows'] },
);

const FILES = [
  [
    'identity.json',
    identityGuard,
    identitySchema,
    fc.record({ deviceId: fc.string(), server: fc.string(), publicKey: hex64, privateKey: hex64 }),
  ],
  [
    'state.json',
    stateGuard,
    stateSchema,
    fc.record({
      installed: fc.array(
        fc.record({ name: text(128), version: text(64), installedAt: text(64) }),
        {
          maxLength: 3,
        },
      ),
      results: fc.dictionary(fc.string({ maxLength: 8 }), report, { maxKeys: 2 }),
      outbox: fc.array(report, { maxLength: 2 }),
      lastTimestampVersion: fc.nat(),
    }),
  ],
  [
    'servers.json',
    serversFileGuard,
    serversSchema,
    fc.record({ servers: fc.array(fc.webUrl(), { minLength: 1, maxLength: 64 }) }),
  ],
  [
    'policy.json',
    downloadPolicyGuard,
    policySchema,
    fc.record(
      { maxDownloadBytesPerSecond: fc.integer({ min: 0, max: 2 ** 40 }) },
      { requiredKeys: [] },
    ),
  ],
  ['maintenance.json', maintenancePolicyGuard, maintenanceSchema, maintenance],
] as const;

/** One change to a copy: a node replaced by an edge value, a key deleted, or a key added. */
function nearMiss(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const edge = fc.oneof(
    fc.constantFrom(
      null,
      true,
      0,
      -1,
      1.5,
      2 ** 53,
      2 ** 40 + 1,
      '',
      [],
      {},
      '24:00',
      'x'.repeat(65),
    ),
    fc.jsonValue({ maxDepth: 2 }),
  );
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom('replace', 'delete', 'extra'), edge)
    .map(([value, pick, how, replacement]) => {
      const copy = structuredClone(value);
      const slots: [Record<string, unknown>, string][] = [];
      const walk = (node: unknown) => {
        if (typeof node !== 'object' || node === null) return;
        for (const [key, child] of Object.entries(node)) {
          slots.push([node as Record<string, unknown>, key]);
          walk(child);
        }
      };
      walk(copy);
      const slot = slots[pick % Math.max(slots.length, 1)];
      if (slot === undefined) return replacement;
      const [parent, key] = slot;
      if (how === 'delete' && !Array.isArray(parent)) delete parent[key];
      else if (how === 'extra' && !Array.isArray(parent)) parent[`x${key}`] = replacement;
      else parent[key] = replacement;
      return copy;
    });
}

function agree(guard: guards.Guard<unknown>, schema: z.ZodType, value: unknown): void {
  const [ours, theirs] = [guard.safeParse(value), schema.safeParse(value)];
  const shown = JSON.stringify(value)?.slice(0, 300);
  assert.equal(
    ours.success,
    theirs.success,
    `guard ${ours.success}, zod ${theirs.success}: ${shown}`,
  );
  if (ours.success) assert.deepEqual(ours.data, theirs.data, shown);
}

for (const [file, guard, schema, valid] of FILES) {
  test(`${file}: the guard and the zod schema agree on valid files, near misses and any JSON`, () => {
    assert.ok(sameTypes.every((same) => same));
    fc.assert(
      fc.property(valid, (value) => {
        assert.equal(guard.safeParse(value).success, schema.safeParse(value).success);
        agree(guard, schema, value);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.oneof(nearMiss(valid), fc.jsonValue({ maxDepth: 3 })), (value) =>
        agree(guard, schema, value),
      ),
      { numRuns: 400 },
    );
  });
}
