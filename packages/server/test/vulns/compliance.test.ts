/** Compliance counting: in time, late, overdue, the share within deadline, mean time to remediate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complianceReport, countsOf } from '../../src/features/vulns/compliance.js';
import { findingView as finding } from './finding-fixture.js';

test('counts: in time on the due day, late after it, overdue only while open', () => {
  const c = countsOf([
    finding({
      firstSeenAt: '2026-01-01T00:00:00Z',
      closedAt: '2026-01-15T23:00:00Z',
      dueDate: '2026-01-15',
    }),
    finding({
      firstSeenAt: '2026-01-01T00:00:00Z',
      closedAt: '2026-01-16T00:00:00Z',
      dueDate: '2026-01-15',
    }),
    finding({ firstSeenAt: '2026-01-01T00:00:00Z', dueDate: '2026-01-10', overdue: true }),
    finding({ firstSeenAt: '2026-01-01T00:00:00Z', dueDate: '2026-12-31' }),
    finding({
      firstSeenAt: '2026-01-01T00:00:00Z',
      fixes: [
        {
          patch: 'fix@1',
          state: 'installed-finding-persists',
          installedAt: '2026-01-02T00:00:00Z',
        },
        { patch: 'fix@2', state: 'recommended' },
      ],
    }),
  ]);
  assert.deepEqual(c, {
    findings: 5,
    open: 3,
    overdue: 1,
    closed: 2,
    closedInTime: 1,
    closedLate: 1,
    findingPersists: 1,
    withinDeadlineShare: 0.5,
    meanTimeToRemediateDays: 14.979,
  });
  assert.deepEqual(countsOf([]), {
    findings: 0,
    open: 0,
    overdue: 0,
    closed: 0,
    closedInTime: 0,
    closedLate: 0,
    findingPersists: 0,
    withinDeadlineShare: null,
    meanTimeToRemediateDays: null,
  });
});

const T = '2026-01-10T00:00:00Z';

test('the report groups by outcome (KEV dates apart), device and advisory, most overdue first', () => {
  const report = complianceReport(
    [
      finding({
        device: 'a',
        firstSeenAt: '2026-01-01T00:00:00Z',
        dueDate: '2026-01-05',
        overdue: true,
        source: 'kev',
        risk: 90,
      }),
      finding({
        device: 'b',
        advisory: 'A-2',
        firstSeenAt: '2026-01-01T00:00:00Z',
        dueDate: '2026-03-01',
        risk: 20,
        fixes: [{ patch: 'git-fix@1.0.0', state: 'installed-finding-persists', installedAt: T }],
      }),
      finding({
        device: 'b',
        advisory: 'A-2',
        firstSeenAt: '2026-01-01T00:00:00Z',
        closedAt: '2026-01-03T00:00:00Z',
        dueDate: '2026-03-01',
      }),
    ],
    'policy name',
    new Date('2026-02-01T00:00:00Z'),
  );
  assert.deepEqual(
    report.byOutcome.map((r) => [r.outcome, r.findings]),
    [
      ['14 days', 2],
      ['KEV due date', 1],
    ],
  );
  assert.deepEqual(
    report.devices.map((r) => [r.deviceId, r.overdue, r.maxOpenRisk]),
    [
      ['a', 1, 90],
      ['b', 0, 20],
    ],
  );
  assert.deepEqual(
    report.advisories.map((r) => r.advisoryId),
    ['A-1', 'A-2'],
  );
  assert.deepEqual(
    report.overdue.map((r) => [r.deviceId, r.dueDate]),
    [['a', '2026-01-05']],
  );
  assert.equal(report.totals.meanTimeToRemediateDays, 2);
  assert.deepEqual(
    report.findingPersists.map((r) => [r.deviceId, r.advisoryId, r.package, r.patches]),
    [['b', 'A-2', 'openssl', ['git-fix@1.0.0']]],
  );
  assert.deepEqual(
    report.devices.map((r) => [r.deviceId, r.findingPersists]),
    [
      ['a', 0],
      ['b', 1],
    ],
  );
});
