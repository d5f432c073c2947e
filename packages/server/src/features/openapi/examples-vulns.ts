/**
 * Examples of the vulns answers for the API description: a scored finding, a remediation queue
 * and a compliance report. A test validates them against their schemas, closed to unnamed fields.
 */
import { COMPLIANCE_FORMAT } from '@patchcast/protocol';
import type { ComplianceReport, FindingViewRow, QueueResponse } from '@patchcast/protocol';
import { AT } from './examples.js';

const device = { deviceId: 'dev_5f1c2a9e', name: 'web-01', owner: 'team-web' };
const advisoryId = 'DSA-5678-1';

export const exampleFinding: FindingViewRow = {
  advisoryId,
  aliases: ['CVE-2025-0001'],
  cves: ['CVE-2025-0001'],
  summary: 'openssl: security update',
  ecosystem: 'Debian:12',
  package: 'openssl',
  installedVersion: '3.0.11-1~deb12u2',
  fixedVersion: '3.0.15-1~deb12u1',
  matchedBy: 'range',
  origins: ['libssl3', 'openssl'],
  cvss: {
    version: '3.1',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    metrics: { AV: 'N', AC: 'L', PR: 'N', UI: 'N', S: 'U', C: 'H', I: 'H', A: 'H' },
    baseScore: 9.8,
    severity: 'Critical',
  },
  kev: { cve: 'CVE-2025-0001', dateAdded: '2026-12-01', dueDate: '2026-12-22' },
  epss: { cve: 'CVE-2025-0001', epss: 0.91, percentile: 0.99 },
  risk: {
    score: 41.2,
    factors: [
      {
        factor: 'cvss',
        value: 9.8,
        contribution: 98,
        explanation: 'CVSS 3.1 base 9.8 (Critical), x10',
      },
      {
        factor: 'epss',
        value: 0.91,
        contribution: -6.6,
        explanation: 'EPSS 0.91: likelihood x0.9325',
      },
      {
        factor: 'kev',
        value: true,
        contribution: 6.6,
        explanation: 'in CISA KEV: likelihood raised to x1',
      },
      {
        factor: 'criticality',
        value: 'medium',
        contribution: -39.2,
        explanation: 'criticality medium (default): x0.6',
      },
      {
        factor: 'exposure',
        value: 'internal',
        contribution: -17.6,
        explanation: 'exposure internal (default): x0.7',
      },
    ],
  },
  deadline: {
    policy: 'CISA BOD 26-04 remediation timelines (SSVC 1.0.0)',
    decision: { inKev: true, publiclyExposed: false, automatable: true, technicalImpact: 'total' },
    reasons: ['in KEV: yes', 'publicly exposed: no (exposure internal)'],
    outcome: '14 days',
    dueDate: '2026-12-21',
    forensic: false,
    source: 'policy',
  },
  overdue: false,
  deviceId: device.deviceId,
  deviceName: device.name,
  owner: device.owner,
  state: 'open',
  firstSeenAt: AT,
  closedAt: null,
  closedBy: null,
  patches: ['openssl-fix@1.0.1'],
  fixes: [{ patch: 'openssl-fix@1.0.1', state: 'recommended' }],
};

export const exampleQueue: QueueResponse = {
  generatedAt: AT,
  groups: [
    {
      patch: 'openssl-fix@1.0.1',
      advisoryId,
      cves: ['CVE-2025-0001'],
      packages: ['openssl'],
      findings: 1,
      devices: 1,
      deviceIds: [device.deviceId],
      maxRisk: 41.2,
      risk: 41.2,
      dueDate: '2026-12-21',
      overdue: 0,
      kev: true,
      notRecommended: [],
    },
  ],
  queue: [exampleFinding],
  patches: [
    {
      patch: 'openssl-fix@1.0.1',
      findings: 1,
      devices: 1,
      deviceIds: [device.deviceId],
      advisories: [advisoryId],
      riskRemoved: 41.2,
    },
  ],
};

const counts = {
  findings: 2,
  open: 1,
  overdue: 0,
  closed: 1,
  closedInTime: 1,
  closedLate: 0,
  findingPersists: 0,
  withinDeadlineShare: 1,
  meanTimeToRemediateDays: 3.5,
};

export const exampleReport: ComplianceReport = {
  format: COMPLIANCE_FORMAT,
  generatedAt: AT,
  policy: 'CISA BOD 26-04 remediation timelines (SSVC 1.0.0)',
  totals: counts,
  byOutcome: [{ outcome: '14 days', ...counts }],
  devices: [{ ...device, maxOpenRisk: 41.2, ...counts }],
  advisories: [
    { advisoryId, cves: ['CVE-2025-0001'], kev: true, devices: 1, maxOpenRisk: 41.2, ...counts },
  ],
  overdue: [],
  findingPersists: [],
};
