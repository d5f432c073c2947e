/**
 * The vulnerability management HTTP API (docs/vulnerabilities.md "Server"): staged imports of
 * advisories and threat data, committed in one transaction (the CLI skips and lists bad records
 * before it stages); findings, the remediation queue and the compliance report.
 */
import { z } from 'zod';
import { FIX_STATES, findingViewSchema, patchImpactSchema } from './finding-view.js';

export const VULN_ROUTES = {
  imports: '/api/v1/vulns/imports',
  importAdvisories: '/api/v1/vulns/imports/:id/advisories',
  importData: '/api/v1/vulns/imports/:id/data/:kind',
  importCommit: '/api/v1/vulns/imports/:id/commit',
  findings: '/api/v1/vulns/findings',
  queue: '/api/v1/vulns/queue',
  coverage: '/api/v1/vulns/coverage',
  report: '/api/v1/vulns/report',
} as const;

/** Threat data and policy that an import may carry besides advisories, as their file text. */
export const VULN_DATA_KINDS = ['kev', 'epss', 'policy'] as const;
export type VulnDataKind = (typeof VULN_DATA_KINDS)[number];

/** Request bodies are at most this large; the CLI sends advisories in batches below it. */
export const VULN_IMPORT_BODY_BYTES = 64 * 1024 * 1024;
export const VULN_IMPORT_BATCH = { records: 2000, bytes: 8 * 1024 * 1024 } as const;

export const importAdvisoriesRequest = z.strictObject({
  records: z.array(z.unknown()).min(1).max(VULN_IMPORT_BATCH.records),
  /** Where each record came from (file, or archive!/entry), for error messages. */
  sources: z.array(z.string().max(4096)).max(VULN_IMPORT_BATCH.records).optional(),
});
export const importDataRequest = z.strictObject({
  text: z.string().max(VULN_IMPORT_BODY_BYTES),
  source: z.string().max(4096).optional(),
});
export const FINDING_STATES = ['open', 'closed', 'all'] as const;
export type FindingState = (typeof FINDING_STATES)[number];
export const findingsQuery = z.strictObject({
  device: z.string().max(64).optional(),
  state: z.enum(FINDING_STATES).optional(),
});

export const importCreatedResponse = z.object({ id: z.string() });
export const importStagedResponse = z.object({ staged: z.number().int() });
/**
 * Which ecosystems and releases the stored advisories cover, against what the fleet runs: one row
 * per platform the fleet runs ('Debian:12', 'npm', 'dpkg:ubuntu 22.04'), then per advisory
 * ecosystem no device runs. A row with devices and no advisories is a gap in the data.
 */
export const coverageSchema = z.object({
  rows: z.array(
    z.object({
      ecosystem: z.string(),
      devices: z.number().int(),
      advisories: z.number().int(),
      /** False where matching evaluates nothing (dpkg packages on a non-Debian OS). */
      matched: z.boolean(),
    }),
  ),
  /** Affected entries of ecosystems that matching does not support (e.g. Go). */
  unsupported: z.array(z.object({ ecosystem: z.string(), entries: z.number().int() })),
});
export type VulnCoverage = z.infer<typeof coverageSchema>;

export const importSummaryResponse = z.object({
  id: z.string(),
  advisories: z.object({
    staged: z.number().int(),
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    total: z.number().int(),
  }),
  /** The data kinds (kev, epss, policy) this import replaced. */
  data: z.array(z.string()),
  devicesRecomputed: z.number().int(),
  coverage: coverageSchema,
});
export type ImportSummary = z.infer<typeof importSummaryResponse>;

/** The body of an import's commit: where its records came from, for the import history. */
export const importCommitRequest = z.strictObject({
  /** File names the import was read from (the CLI sends base names, never local folders). */
  sources: z.array(z.string().min(1).max(200)).max(50).optional(),
});
export type ImportCommitRequest = z.infer<typeof importCommitRequest>;

/** One committed import (`GET /api/v1/vulns/imports`, newest first). */
export const importRecordSchema = importSummaryResponse.omit({ coverage: true }).extend({
  committedAt: z.string(),
  /** The name of the API token that committed it. */
  committedBy: z.string(),
  sources: z.array(z.string()),
});
export type ImportRecord = z.infer<typeof importRecordSchema>;
export const importsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export const importsResponse = z.object({ imports: z.array(importRecordSchema) });
export type ImportsResponse = z.infer<typeof importsResponse>;

/** Findings, scored, highest risk first (finding-view.ts). */
export const findingsResponse = z.object({ findings: z.array(findingViewSchema) });

/** One row of the remediation queue: a patch (or none) and an advisory, over the devices. */
export const queueGroupSchema = z.object({
  patch: z.string().nullable(),
  advisoryId: z.string(),
  cves: z.array(z.string()),
  packages: z.array(z.string()),
  findings: z.number().int(),
  devices: z.number().int(),
  deviceIds: z.array(z.string()),
  maxRisk: z.number(),
  risk: z.number(),
  dueDate: z.string().nullable(),
  overdue: z.number().int(),
  kev: z.boolean(),
  notRecommended: z.array(
    z.object({
      patch: z.string(),
      state: z.enum(FIX_STATES).exclude(['recommended']),
      devices: z.number().int(),
    }),
  ),
});
export type QueueGroupRow = z.infer<typeof queueGroupSchema>;

export const queueResponse = z.object({
  generatedAt: z.string(),
  groups: z.array(queueGroupSchema),
  /** The open findings one by one, highest risk first (`vulns queue --by device`). */
  queue: z.array(findingViewSchema),
  patches: z.array(patchImpactSchema),
});
export type QueueResponse = z.infer<typeof queueResponse>;
