/** A scored finding as the views build it, for tests of what is computed from views. */
import type { FixState } from '../../src/features/vulns/fix-outcomes.js';
import type { FindingView } from '../../src/features/vulns/finding-views.js';

export function findingView(over: {
  device?: string;
  advisory?: string;
  package?: string;
  firstSeenAt: string;
  closedAt?: string | null;
  dueDate?: string | undefined;
  overdue?: boolean;
  source?: 'policy' | 'kev' | 'none';
  risk?: number;
  fixes?: readonly FixState[];
}): FindingView {
  const fixes = over.fixes ?? [];
  return {
    advisoryId: over.advisory ?? 'A-1',
    aliases: [],
    cves: ['CVE-2025-1'],
    summary: undefined,
    ecosystem: 'Debian:12',
    package: over.package ?? 'openssl',
    installedVersion: '1',
    fixedVersion: '2',
    matchedBy: 'range',
    origins: [],
    cvss: undefined,
    kev: undefined,
    epss: undefined,
    risk: { score: over.risk ?? 50, factors: [] },
    deadline: {
      policy: 'p',
      decision: {
        inKev: false,
        publiclyExposed: false,
        automatable: true,
        technicalImpact: 'total',
      },
      reasons: [],
      outcome: '14 days',
      dueDate: over.dueDate,
      forensic: false,
      source: over.source ?? (over.dueDate === undefined ? 'none' : 'policy'),
    },
    overdue: over.overdue ?? false,
    deviceId: over.device ?? 'dev_a',
    deviceName: over.device ?? 'dev_a',
    owner: null,
    state: over.closedAt ? 'closed' : 'open',
    firstSeenAt: over.firstSeenAt,
    closedAt: over.closedAt ?? null,
    closedBy: null,
    patches: fixes.filter((f) => f.state === 'recommended').map((f) => f.patch),
    fixes,
  };
}
