/** The remediation queue grouped by patch and advisory, and the patches' impact. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patchImpacts, queueGroups } from '../../src/features/vulns/remediation-queue.js';
import { findingView } from './finding-fixture.js';

const SEEN = '2026-03-01T00:00:00Z';
const recommended = (patch: string) => ({ patch, state: 'recommended' as const });

test('one row per patch and advisory over every device, highest risk first', () => {
  const fleet = ['d1', 'd2', 'd3', 'd4', 'd5'].map((device, i) =>
    findingView({
      device,
      advisory: 'DSA-5532-1',
      firstSeenAt: SEEN,
      risk: 20 + i,
      dueDate: `2026-03-1${i}`,
      fixes: [recommended('openssl-fix@1.0.0')],
    }),
  );
  const lone = findingView({
    device: 'd1',
    advisory: 'DSA-1',
    package: 'git',
    firstSeenAt: SEEN,
    risk: 90,
    overdue: true,
    dueDate: '2026-02-01',
  });
  const groups = queueGroups([...fleet, lone]);
  assert.deepEqual(
    groups.map((g) => [
      g.patch,
      g.advisoryId,
      g.devices,
      g.findings,
      g.maxRisk,
      g.risk,
      g.dueDate,
      g.overdue,
    ]),
    [
      [null, 'DSA-1', 1, 1, 90, 90, '2026-02-01', 1],
      ['openssl-fix@1.0.0', 'DSA-5532-1', 5, 5, 24, 110, '2026-03-10', 0],
    ],
  );
  assert.deepEqual(groups[1]?.deviceIds, ['d1', 'd2', 'd3', 'd4', 'd5']);
  assert.deepEqual(groups[1]?.packages, ['openssl']);
  assert.deepEqual(
    patchImpacts([...fleet, lone]).map((p) => [p.patch, p.findings, p.devices, p.riskRemoved]),
    [['openssl-fix@1.0.0', 5, 5, 110]],
  );
});

test('patches that did not close it are not recommended and are named with their state', () => {
  const persists = (device: string) =>
    findingView({
      device,
      advisory: 'DSA-9',
      package: 'git',
      firstSeenAt: SEEN,
      fixes: [{ patch: 'git-fix@1.0.0', state: 'installed-finding-persists', installedAt: SEEN }],
    });
  const elsewhere = findingView({
    device: 'd9',
    advisory: 'DSA-9',
    package: 'git',
    firstSeenAt: SEEN,
    fixes: [{ patch: 'git-fix@1.0.0', state: 'ineffective' }, recommended('git-fix@1.0.1')],
  });
  const findings = [persists('d1'), persists('d2'), elsewhere];
  const groups = queueGroups(findings);
  assert.deepEqual(
    groups.map((g) => [g.patch, g.devices, g.notRecommended]),
    [
      [null, 2, [{ patch: 'git-fix@1.0.0', state: 'installed-finding-persists', devices: 2 }]],
      ['git-fix@1.0.1', 1, [{ patch: 'git-fix@1.0.0', state: 'ineffective', devices: 1 }]],
    ],
  );
  assert.deepEqual(
    patchImpacts(findings).map((p) => p.patch),
    ['git-fix@1.0.1'],
    'git-fix@1.0.0 is never recommended again',
  );
});

test('a finding that two patches claim appears under each', () => {
  const f = findingView({
    advisory: 'DSA-2',
    firstSeenAt: SEEN,
    fixes: [recommended('a@1'), recommended('b@1')],
  });
  assert.deepEqual(
    queueGroups([f]).map((g) => g.patch),
    ['a@1', 'b@1'],
  );
  assert.deepEqual(queueGroups([]), []);
});
