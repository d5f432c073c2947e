/** The route table's rows for vulnerability management (docs/vulnerabilities.md "Server"). */
import { z } from 'zod';
import {
  VULN_DATA_KINDS,
  VULN_ROUTES,
  complianceReportResponse,
  coverageSchema,
  findingsQuery,
  findingsResponse,
  importAdvisoriesRequest,
  importCommitRequest,
  importCreatedResponse,
  importDataRequest,
  importStagedResponse,
  importSummaryResponse,
  importsQuery,
  importsResponse,
  queueResponse,
} from '@patchcast/protocol';
import { AT } from './examples.js';
import { exampleFinding, exampleQueue, exampleReport } from './examples-vulns.js';
import { json } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';

const tag = 'vulns';
const importId = 'imp_4e0a91b7';
const coverage = {
  rows: [{ ecosystem: 'Debian:12', devices: 12, advisories: 4210, matched: true }],
  unsupported: [{ ecosystem: 'Go', entries: 37 }],
};

export const VULN_TABLE: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: VULN_ROUTES.imports,
    tag,
    summary: 'Open a staged import of advisories and threat data',
    response: json('ImportCreated', importCreatedResponse, { id: importId }),
  },
  {
    method: 'POST',
    path: VULN_ROUTES.importAdvisories,
    tag,
    summary: 'Stage a batch of OSV advisories (at most 2000 records)',
    body: json('ImportAdvisoriesRequest', importAdvisoriesRequest, {
      records: [
        {
          id: 'DSA-5678-1',
          modified: AT,
          affected: [
            {
              package: { ecosystem: 'Debian:12', name: 'openssl' },
              ranges: [
                { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }] },
              ],
            },
          ],
        },
      ],
      sources: ['advisories/DSA-5678-1.json'],
    }),
    response: json('ImportStaged', importStagedResponse, { staged: 1 }),
    errors: ['ADVISORY_INVALID'],
  },
  {
    method: 'PUT',
    path: VULN_ROUTES.importData,
    tag,
    summary: 'Stage threat data or the deadline policy as its file text: `kev`, `epss` or `policy`',
    params: { kind: z.enum(VULN_DATA_KINDS) },
    body: json('ImportDataRequest', importDataRequest, {
      text: 'cve,epss,percentile\nCVE-2025-0001,0.91,0.99\n',
      source: 'epss.csv',
    }),
    response: json('ImportStaged', importStagedResponse, { staged: 1 }),
    errors: ['THREAT_DATA_INVALID', 'POLICY_INVALID'],
  },
  {
    method: 'POST',
    path: VULN_ROUTES.importCommit,
    tag,
    summary: 'Commit a staged import in one transaction and recompute findings',
    body: json('ImportCommitRequest', importCommitRequest, {
      sources: ['debian-osv.zip', 'known_exploited_vulnerabilities.json'],
    }),
    response: json('ImportSummary', importSummaryResponse, {
      id: importId,
      advisories: { staged: 1, added: 1, updated: 0, unchanged: 0, total: 4210 },
      data: ['epss'],
      devicesRecomputed: 12,
      coverage,
    }),
  },
  {
    method: 'GET',
    path: VULN_ROUTES.imports,
    tag,
    summary: 'The latest committed imports, newest first: sources, time, who, counts',
    query: importsQuery,
    response: json('ImportsResponse', importsResponse, {
      imports: [
        {
          id: importId,
          committedAt: AT,
          committedBy: 'alice',
          sources: ['debian-osv.zip', 'known_exploited_vulnerabilities.json'],
          advisories: { staged: 1, added: 1, updated: 0, unchanged: 0, total: 4210 },
          data: ['kev'],
          devicesRecomputed: 12,
        },
      ],
    }),
  },
  {
    method: 'GET',
    path: VULN_ROUTES.findings,
    tag,
    summary: 'Findings (open by default), scored, highest risk first',
    query: findingsQuery,
    response: json('FindingsResponse', findingsResponse, { findings: [exampleFinding] }),
  },
  {
    method: 'GET',
    path: VULN_ROUTES.queue,
    tag,
    summary: 'The remediation queue: findings grouped by patch and advisory, by risk',
    response: json('QueueResponse', queueResponse, exampleQueue),
  },
  {
    method: 'GET',
    path: VULN_ROUTES.coverage,
    tag,
    summary: 'Which ecosystems the stored advisories cover, against what the fleet runs',
    response: json('Coverage', coverageSchema, coverage),
  },
  {
    method: 'GET',
    path: VULN_ROUTES.report,
    tag,
    summary: 'The compliance report document (`patchcast report compliance` renders it)',
    response: json('ComplianceReport', complianceReportResponse, exampleReport),
  },
];
