/**
 * `audit verify` on rollouts rolled back: the records and log entries of one rollout that
 * completed and was rolled back later, then each way a database or a log could lie about it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLogEntry, parseLogEntry } from '@patchcast/protocol';
import type { LogEvent, LogEventInput } from '@patchcast/protocol';
import type { AuditRollout, Problem } from '../../src/audit/audit-source.js';
import { indexEvents } from '../../src/audit/log-index.js';
import { checkRollouts } from '../../src/audit/verify-rollouts.js';

const at = '2026-11-27T10:00:00.000Z';
const patch = { name: 'app', version: '2.0.0' };

/** Every event goes through the leaf encoding and strict parsing a real audit uses. */
function leaf(event: LogEventInput): LogEvent {
  const parsed = parseLogEntry(encodeLogEntry(event));
  assert.ok(parsed !== undefined, `${event.type} round-trips`);
  return parsed;
}

const created: LogEventInput = {
  type: 'rollout-created',
  at,
  id: 'ro_1',
  patch,
  targetPath: 'app/2.0.0/bundle.tar',
  selector: { all: true },
  devices: 2,
  by: 'admin',
};
const installed = (deviceId: string): LogEventInput => ({
  type: 'device-result',
  at,
  rolloutId: 'ro_1',
  deviceId,
  patch,
  state: 'installed',
  error: null,
});
const undone = (deviceId: string): LogEventInput => ({
  type: 'device-rolled-back',
  at,
  rolloutId: 'ro_1',
  deviceId,
  patch,
});
const ended = (state: string): LogEventInput => ({
  type: 'rollout-completed',
  at,
  rolloutId: 'ro_1',
  state,
});
const decided = (seq: number, from: string, to: string, event: string): LogEventInput => ({
  type: 'rollout-decision',
  at,
  rolloutId: 'ro_1',
  seq,
  wave: 1,
  from,
  to,
  event,
  detail: `${event} by operator`,
  decidedBy: 'operator',
  by: 'admin',
  verdict: null,
});

/** Completed, then rolled back by an operator: both devices undone. */
const HONEST: LogEventInput[] = [
  created,
  installed('dev_a'),
  installed('dev_b'),
  ended('completed'),
  decided(7, 'completed', 'rolling-back', 'rollback'),
  undone('dev_a'),
  undone('dev_b'),
  ended('rolled-back'),
];

const rolledBack: AuditRollout = {
  id: 'ro_1',
  patch,
  createdBy: 'admin',
  state: 'rolled-back',
  assignments: [
    { deviceId: 'dev_a', state: 'rolled-back', errorCode: null },
    { deviceId: 'dev_b', state: 'rolled-back', errorCode: null },
  ],
  decisions: [{ seq: 7, to: 'rolling-back', event: 'rollback', by: 'admin' }],
};

function audit(events: readonly LogEventInput[], rollout: AuditRollout = rolledBack): Problem[] {
  const problems: Problem[] = [];
  const report = (where: string, what: string) => problems.push({ where, what });
  const map = new Map(events.map((e, i) => [i, leaf(e)] as const));
  checkRollouts([rollout], indexEvents(map, report), report);
  return problems;
}

test('audit: a completed rollout rolled back later agrees with its log', () => {
  assert.deepEqual(audit(HONEST), []);
});

test('audit: a rollout reopened for a rollback (in progress) agrees with its first end', () => {
  const reopened = { ...rolledBack, state: 'in-progress' };
  const assignments = [
    { deviceId: 'dev_a', state: 'rolled-back', errorCode: null },
    { deviceId: 'dev_b', state: 'installed', errorCode: null },
  ];
  assert.deepEqual(audit(HONEST.slice(0, 6), { ...reopened, assignments }), []);
});

test('audit: a device-rolled-back without an earlier installed result is a problem', () => {
  const before = [created, undone('dev_a'), installed('dev_a'), installed('dev_b')];
  const rest = [ended('completed'), decided(7, 'completed', 'rolling-back', 'rollback')];
  const problems = audit([...before, ...rest, undone('dev_b'), ended('rolled-back')]);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0]?.what ?? '', /without an earlier installed device-result/);
  assert.equal(problems[0]?.where, 'table assignments, id ro_1/dev_a');
});

test('audit: an assignment rolled back in the database but not in the log is a problem', () => {
  const problems = audit(
    HONEST.filter((e) => !(e.type === 'device-rolled-back' && e.deviceId === 'dev_b')),
  );
  assert.deepEqual(problems, [
    {
      where: 'table assignments, id ro_1/dev_b',
      what: 'state is rolled-back; log entry 2 says installed',
    },
  ]);
});

test('audit: a device the log says was rolled back but the database keeps installed', () => {
  const assignments = [
    { deviceId: 'dev_a', state: 'rolled-back', errorCode: null },
    { deviceId: 'dev_b', state: 'installed', errorCode: null },
  ];
  const problems = audit(HONEST, { ...rolledBack, assignments });
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.what ?? '', /state is installed; log entry 6 says it was rolled back/);
});

test('audit: two ends without a rollback decision, or three ends, are problems', () => {
  const noDecision = HONEST.filter((e) => e.type !== 'rollout-decision');
  const problems = audit(noDecision, { ...rolledBack, decisions: [] });
  assert.ok(problems.some((p) => /with no rollback decision in between/.test(p.what)));
  const thrice = audit([...HONEST, ended('rolled-back')]);
  assert.ok(thrice.some((p) => /both record rollout-completed ro_1/.test(p.what)));
  const twiceCompleted = audit([...HONEST.slice(0, 4), ended('completed')], {
    ...rolledBack,
    state: 'completed',
    assignments: rolledBack.assignments.map((a) => ({ ...a, state: 'installed' })),
    decisions: [],
  });
  assert.ok(twiceCompleted.some((p) => /both record rollout-completed ro_1/.test(p.what)));
});

test('audit: a stored decision missing from the log, or changed, is a problem', () => {
  const missing = audit(HONEST, {
    ...rolledBack,
    decisions: [
      ...(rolledBack.decisions ?? []),
      { seq: 8, to: 'rolled-back', event: 'rollback-complete', by: null },
    ],
  });
  assert.deepEqual(missing, [
    { where: 'rollout ro_1, decision 8', what: 'has no rollout-decision entry in the log' },
  ]);
  const changed = audit(HONEST, {
    ...rolledBack,
    decisions: [{ seq: 7, to: 'rolling-back', event: 'rollback', by: 'mallory' }],
  });
  assert.equal(changed.length, 1);
  assert.match(
    changed[0]?.what ?? '',
    /by "mallory"; log entry 4 says rollback to rolling-back by "admin"/,
  );
  const unknown = audit(HONEST, { ...rolledBack, decisions: [] });
  assert.deepEqual(unknown, [
    { where: 'entry 4', what: 'records decision 7 of rollout ro_1, which the source lacks' },
  ]);
});

test('log entries: a verdict carries p-values as decimal strings; a bare fraction is refused', () => {
  const verdict = {
    verdict: 'fail' as const,
    alphaPerComparison: '0.25',
    findings: [
      { subject: 'failure-rate', outcome: 'fail' as const, p: '0.2', effect: '66.7', reason: 'r' },
      { subject: 'healthMs', outcome: 'pass' as const, p: '1.5e-7', effect: null, reason: 'r' },
    ],
  };
  const judged = { ...decided(3, 'judging', 'paused', 'verdict'), verdict } as LogEventInput;
  assert.deepEqual(leaf(judged), { ...judged, format: 'patchcast-log/v1' });
  const bare = JSON.parse(JSON.stringify(judged)) as { verdict: { findings: { p: unknown }[] } };
  const finding = bare.verdict.findings[0];
  if (finding !== undefined) finding.p = 0.2;
  assert.throws(() => encodeLogEntry(bare as unknown as LogEventInput));
  const bogus = { ...judged, verdict: { ...verdict, alphaPerComparison: '1/4' } };
  assert.throws(() => encodeLogEntry(bogus));
  assert.throws(() => encodeLogEntry({ ...undone('dev_a'), extra: 1 } as unknown as LogEventInput));
});
