/**
 * The agent's guards (src/agent-channel-guards.ts, enroll-api.ts, error-body-guard.ts,
 * log-proof-guards.ts) accept and refuse what the zod schemas of the same contracts do, on
 * generated valid values, near misses and arbitrary JSON; and their types are the zod types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import {
  DEVICE_STATES,
  deviceCertificateGrant,
  enrollResponse,
  errorBodySchema,
  consistencyProofResponse,
  installedPatchSchema,
  keyTransitionsResponse,
  parseServerMessage,
  publicationProofResponse,
  reportSchema,
  serverMessageSchema,
} from '../../src/index.js';
import {
  deviceCertificateGrantGuard,
  installedPatchGuard,
  reportGuard,
  serverMessageGuard,
} from '../../src/agent-channel-guards.js';
import { ENROLL_OUTCOMES, enrollResponseGuard } from '../../src/enroll-api.js';
import { errorBodyGuard } from '../../src/error-body-guard.js';
import {
  consistencyProofGuard,
  keyTransitionsGuard,
  publicationProofGuard,
} from '../../src/log-proof-guards.js';
import type { Infer } from '../../src/guard.js';
import { RUNS, assertAgree, hostile } from './agreement.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [
  Same<Infer<typeof serverMessageGuard>, z.infer<typeof serverMessageSchema>>,
  Same<Infer<typeof reportGuard>, z.infer<typeof reportSchema>>,
  Same<Infer<typeof installedPatchGuard>, z.infer<typeof installedPatchSchema>>,
  Same<Infer<typeof deviceCertificateGrantGuard>, z.infer<typeof deviceCertificateGrant>>,
  Same<Infer<typeof enrollResponseGuard>, z.infer<typeof enrollResponse>>,
  Same<Infer<typeof errorBodyGuard>, z.infer<typeof errorBodySchema>>,
  Same<Infer<typeof publicationProofGuard>, z.infer<typeof publicationProofResponse>>,
  Same<Infer<typeof consistencyProofGuard>, z.infer<typeof consistencyProofResponse>>,
  Same<Infer<typeof keyTransitionsGuard>, z.infer<typeof keyTransitionsResponse>>,
] = [true, true, true, true, true, true, true, true, true];

/** Strings up to `max` characters, and exactly `max` now and then. */
const text = (max: number) =>
  fc.oneof(fc.string({ maxLength: Math.min(max, 24) }), fc.constant('m'.repeat(max)));
const count = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));
const patch = fc.record({ name: text(128), version: text(64) });
const metrics = fc.dictionary(
  fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  { maxKeys: 4 },
);
const grant = fc.record({
  certificate: text(16_384),
  deviceCa: text(16_384),
  agentUrls: fc.array(text(2048), { maxLength: 3 }),
});

const serverMessage = fc.oneof(
  fc.record({ type: fc.constant('challenge'), nonce: text(128), serverTime: fc.string() }),
  fc.record(
    {
      type: fc.constant('welcome'),
      deviceId: fc.string(),
      heartbeatMs: fc.integer({ min: 1 }),
      labels: fc.dictionary(text(63), text(255), { maxKeys: 3 }),
      deviceCertificates: fc.boolean(),
    },
    { requiredKeys: ['type', 'deviceId', 'heartbeatMs'] },
  ),
  grant.map((g) => ({ type: 'certificate', ...g })),
  fc.record(
    {
      type: fc.constant('notice'),
      rolloutId: text(64),
      patch,
      targetPath: text(512),
      timestampVersion: count,
      allowDowngrade: fc.constant(true),
    },
    { requiredKeys: ['type', 'rolloutId', 'patch', 'targetPath', 'timestampVersion'] },
  ),
  fc.record({ type: fc.constant('ack'), reportId: text(64) }),
  fc.record({ type: fc.constant('inventory-ack'), updateId: text(64), digest: text(64) }),
  fc.record({
    type: fc.constant('inventory-resync'),
    updateId: text(64),
    code: text(64),
    message: text(4096),
  }),
  fc.record({
    type: fc.constant('health-request'),
    rolloutId: text(64),
    wave: count,
    patch,
    targetPath: text(512),
  }),
  fc.record({ type: fc.constant('rollback'), rolloutId: text(64), patch }),
  fc.record({ type: fc.constant('peer'), body: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ type: fc.constant('error'), code: text(64), message: text(4096) }),
);

const report = fc.record(
  {
    type: fc.constant('report'),
    reportId: fc.oneof(fc.string({ minLength: 8, maxLength: 64 }), fc.constant('r'.repeat(64))),
    rolloutId: text(64),
    patch,
    state: fc.constantFrom(...DEVICE_STATES),
    error: fc.record({ code: text(64), message: text(4096) }),
    timings: fc.dictionary(text(32), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true })),
    health: fc.record({ healthy: fc.boolean(), metrics }),
    rebootRequired: fc.constant(true),
    bootId: text(64),
  },
  { requiredKeys: ['type', 'reportId', 'rolloutId', 'patch', 'state'] },
);
const installed = fc.record({ name: text(128), version: text(64), installedAt: text(64) });
const enrolled = fc.record(
  { deviceId: fc.string(), outcome: fc.constantFrom(...ENROLL_OUTCOMES), deviceCertificate: grant },
  { requiredKeys: ['deviceId'] },
);
const errorBody = fc.record({
  error: fc.record(
    { code: fc.string(), message: fc.string(), hint: fc.string() },
    { requiredKeys: ['code', 'message'] },
  ),
});

const base64 = (maxBytes: number) =>
  fc.uint8Array({ maxLength: maxBytes }).map((b) => Buffer.from(b).toString('base64'));
const publicationProof = fc.record({
  entry: fc.oneof(base64(300), fc.constant('A'.repeat(90_000))),
  proof: text(300_000),
});
const consistencyProof = fc.record({
  hashes: fc.array(
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
    { maxLength: 128 },
  ),
});
const keyTransitions = fc.record({ transitions: fc.array(text(16_384), { maxLength: 4 }) });

const PAIRS = [
  ['server messages', serverMessageGuard, serverMessageSchema, serverMessage],
  ['reports', reportGuard, reportSchema, report],
  ['installed patches', installedPatchGuard, installedPatchSchema, installed],
  ['device certificate grants', deviceCertificateGrantGuard, deviceCertificateGrant, grant],
  ['enrollment answers', enrollResponseGuard, enrollResponse, enrolled],
  ['error bodies', errorBodyGuard, errorBodySchema, errorBody],
  ['publication proofs', publicationProofGuard, publicationProofResponse, publicationProof],
  ['consistency proofs', consistencyProofGuard, consistencyProofResponse, consistencyProof],
  ['key transitions', keyTransitionsGuard, keyTransitionsResponse, keyTransitions],
] as const;

for (const [name, guard, schema, valid] of PAIRS) {
  test(`${name}: the guard accepts what zod accepts, with the same output`, () => {
    assert.ok(sameTypes.every((same) => same));
    fc.assert(
      fc.property(valid, (value) => {
        assert.equal(guard.safeParse(value).success, true, JSON.stringify(value));
        assertAgree(guard, schema, value);
      }),
      RUNS,
    );
  });

  test(`${name}: the guard refuses what zod refuses (near misses, arbitrary JSON)`, () => {
    fc.assert(
      fc.property(fc.oneof(hostile(valid), fc.jsonValue({ maxDepth: 3 }), fc.anything()), (value) =>
        assertAgree(guard, schema, value),
      ),
      RUNS,
    );
  });
}

test('parseServerMessage keeps the frame limits and drops unknown fields', () => {
  const notice = {
    type: 'notice',
    rolloutId: 'r1',
    patch: { name: 'a', version: '1' },
    targetPath: 'a/1.tar',
    timestampVersion: 3,
  };
  assert.deepEqual(parseServerMessage(JSON.stringify({ ...notice, later: 1 })), notice);
  assert.equal(parseServerMessage(`${'['.repeat(65)}${']'.repeat(65)}`), undefined, 'too deep');
  assert.equal(parseServerMessage(JSON.stringify({ ...notice, timestampVersion: 1.5 })), undefined);
  assert.equal(parseServerMessage('{"type":"notice"'), undefined, 'not JSON');
});
