/**
 * A finding as the server answers it (`GET /api/v1/vulns/findings`, the remediation queue): the
 * matched advisory (core's VulnFinding), scored at read time (KEV, EPSS, risk with its factors,
 * the deadline), with the device and what became of each published patch claiming the fix.
 * Fields the server leaves undefined are absent from the JSON: optional here.
 */
import { z } from 'zod';
import { CVSS_SEVERITIES, CVSS_VERSIONS, RISK_FACTORS, TECHNICAL_IMPACTS } from '@patchcast/core';

/**
 * What became of a published patch that claims to fix an open finding: recommended, installed
 * and waiting for an inventory collected after the install, installed with the finding still
 * there ("installed, finding persists"), ineffective (it persisted here before, or on every
 * device where it was installed and closed the advisory nowhere), or superseded (another version
 * of the patch is installed on the device), or withdrawn by its publisher (ADR 0017). Only
 * `recommended` patches are recommended.
 */
export const FIX_STATES = [
  'recommended',
  'installed-awaiting-inventory',
  'installed-finding-persists',
  'ineffective',
  'superseded',
  'withdrawn',
] as const;
export type FixStateName = (typeof FIX_STATES)[number];

const cvssSchema = z.object({
  version: z.enum(CVSS_VERSIONS),
  vector: z.string(),
  metrics: z.record(z.string(), z.string()),
  baseScore: z.number(),
  severity: z.enum(CVSS_SEVERITIES),
});

const kevMatchSchema = z.object({
  cve: z.string(),
  dateAdded: z.string(),
  dueDate: z.string(),
  knownRansomwareCampaignUse: z.string().optional(),
});

const epssMatchSchema = z.object({ cve: z.string(), epss: z.number(), percentile: z.number() });

const riskSchema = z.object({
  score: z.number(),
  /** Each factor's contribution in points; the contributions add up to the score. */
  factors: z.array(
    z.object({
      factor: z.enum(RISK_FACTORS),
      value: z.union([z.number(), z.boolean(), z.string(), z.null()]),
      contribution: z.number(),
      explanation: z.string(),
    }),
  ),
});

const deadlineSchema = z.object({
  policy: z.string(),
  decision: z.object({
    inKev: z.boolean(),
    publiclyExposed: z.boolean(),
    automatable: z.boolean(),
    technicalImpact: z.enum(TECHNICAL_IMPACTS),
  }),
  reasons: z.array(z.string()),
  outcome: z.string(),
  /** YYYY-MM-DD; absent when neither the policy nor KEV gives a date. */
  dueDate: z.string().optional(),
  forensic: z.boolean(),
  source: z.enum(['policy', 'kev', 'none']),
});

export const fixStateSchema = z.object({
  patch: z.string(),
  state: z.enum(FIX_STATES),
  /** When the device installed it (the agent's clock), for the installed states. */
  installedAt: z.string().optional(),
});

export const findingViewSchema = z.object({
  advisoryId: z.string(),
  aliases: z.array(z.string()),
  cves: z.array(z.string()),
  summary: z.string().optional(),
  ecosystem: z.string(),
  package: z.string(),
  installedVersion: z.string(),
  fixedVersion: z.string().optional(),
  matchedBy: z.enum(['range', 'versions']),
  origins: z.array(z.string()),
  cvss: cvssSchema.optional(),
  kev: kevMatchSchema.optional(),
  epss: epssMatchSchema.optional(),
  risk: riskSchema,
  deadline: deadlineSchema,
  overdue: z.boolean(),
  deviceId: z.string(),
  deviceName: z.string(),
  owner: z.string().nullable(),
  state: z.enum(['open', 'closed']),
  firstSeenAt: z.string(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  /** Published patches recommended to close this open finding (`fixes` in state recommended). */
  patches: z.array(z.string()),
  /** Every published patch that claims to fix this open finding, and what became of it here. */
  fixes: z.array(fixStateSchema),
});
export type FindingViewRow = z.infer<typeof findingViewSchema>;

/** Per recommended patch of the remediation queue: what installing it closes. */
export const patchImpactSchema = z.object({
  patch: z.string(),
  findings: z.number().int(),
  devices: z.number().int(),
  deviceIds: z.array(z.string()),
  advisories: z.array(z.string()),
  /** The sum of the risk scores of the open findings it closes. */
  riskRemoved: z.number(),
});
export type PatchImpactRow = z.infer<typeof patchImpactSchema>;
