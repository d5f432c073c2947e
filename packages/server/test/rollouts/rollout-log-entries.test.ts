/**
 * What a planned rollout writes to the transparency log: each engine decision as a
 * rollout-decision entry (any judge numbers survive canonical JSON as decimal strings), and a
 * device's rollback as device-rolled-back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecisionRecord } from '@patchcast/core';
import { encodeLogEntry, parseLogEntry } from '@patchcast/protocol';
import { decisionEvent } from '../../src/features/rollouts/rollout-effects.js';
import { deviceRolledBack } from '../../src/features/log/log-events.js';

const AT = Date.UTC(2026, 10, 27, 10, 0, 0);

function record(fields: Partial<DecisionRecord>): DecisionRecord {
  return {
    seq: 4,
    at: AT,
    wave: 0,
    from: 'judging',
    to: 'paused',
    event: 'verdict',
    detail: 'judge: fail: failure-rate: 2 of 3 failed',
    by: null,
    verdict: null,
    ...fields,
  };
}

test('a judge decision is logged with its verdict; awkward numbers stay exact', () => {
  const values = [0.1 + 0.2, 1e-300, 5e-324, 1 - Number.EPSILON, 123456789.125, -0.5];
  const verdict = {
    verdict: 'fail' as const,
    alphaPerComparison: 0.5 / 3,
    findings: [
      ...values.map((p, i) => ({
        subject: `m${i}`,
        outcome: 'pass' as const,
        p,
        effect: -p,
        reason: 'r'.repeat(2000),
      })),
      { subject: 'x', outcome: 'fail' as const, p: null, effect: Infinity, reason: 'no test' },
      { subject: 'y', outcome: 'marginal' as const, p: NaN, effect: null, reason: 'odd' },
    ],
  };
  const event = decisionEvent('ro_1', record({ verdict }));
  const parsed = parseLogEntry(encodeLogEntry(event));
  assert.ok(parsed?.type === 'rollout-decision');
  assert.equal(parsed.wave, 1, 'waves are 1-based in the log, as in `rollout status`');
  assert.equal(parsed.decidedBy, 'engine');
  assert.equal(parsed.by, null);
  assert.equal(parsed.at, new Date(AT).toISOString());
  const findings = parsed.verdict?.findings ?? [];
  assert.deepEqual(
    findings.slice(0, values.length).map((f) => Number(f.p)),
    values,
  );
  assert.equal(Number(parsed.verdict?.alphaPerComparison), 0.5 / 3);
  assert.equal(findings[0]?.reason.length, 256, 'reasons are cut to fit the entry limit');
  assert.equal(findings.at(-2)?.effect, 'Infinity');
  assert.equal(findings.at(-1)?.p, 'NaN');
});

test('an operator decision names the operator; 64 metrics still fit one entry', () => {
  const findings = Array.from({ length: 70 }, (_, i) => ({
    subject: `metric-${i}`.repeat(10),
    outcome: 'pass' as const,
    p: 1 / (i + 3),
    effect: i / 7,
    reason: 'x'.repeat(1000),
  }));
  const verdict = { verdict: 'pass' as const, alphaPerComparison: 0.01, findings };
  const event = decisionEvent(
    'ro_1',
    record({ by: 'alice', event: 'rollback', to: 'rolling-back', verdict }),
  );
  const parsed = parseLogEntry(encodeLogEntry(event));
  assert.ok(parsed?.type === 'rollout-decision');
  assert.equal(parsed.decidedBy, 'operator');
  assert.equal(parsed.by, 'alice');
  assert.equal(parsed.verdict?.findings.length, 64);
});

test('a device rollback is its own entry, naming the rollout, device and patch', () => {
  const report = {
    reportId: 'r-1',
    rolloutId: 'ro_1',
    deviceId: 'dev_a',
    state: 'rolled-back' as const,
    error: null,
    timings: null,
    at: new Date(AT).toISOString(),
  };
  const event = deviceRolledBack(report, { name: 'app', version: '2.0.0' });
  assert.deepEqual(parseLogEntry(encodeLogEntry(event)), {
    ...event,
    format: 'patchcast-log/v1',
  });
});
