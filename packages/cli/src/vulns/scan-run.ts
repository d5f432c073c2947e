/** `patchcast scan`: load every input file, scan in core, print text or JSON. */
import { PatchcastError, indexAdvisories, scanInventory } from '@patchcast/core';
import type { DeadlinePolicy, EpssScores, KevCatalog, ScanReport } from '@patchcast/core';
import type { PackageInventory } from '@patchcast/protocol';
import type { Io } from '../command.js';
import { loadAdvisories } from './advisory-loader.js';
import type { RejectedRecord } from './advisory-loader.js';
import { loadInventory } from './inventory-loader.js';
import { progressOn } from './progress.js';
import { rejectedText, scanText } from './scan-text.js';
import { loadEpss, loadKev, loadPolicy } from './threat-data-loader.js';

export interface ScanOptions {
  readonly inventory: string;
  readonly advisories: readonly string[];
  readonly kev: string | undefined;
  readonly epss: string | undefined;
  readonly policy: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly date: string | undefined;
  readonly json: boolean;
}

/** Exit status: 0 without findings, 1 with findings (2 for usage errors comes from main). */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function detectionDate(text: string | undefined, now: () => Date = () => new Date()): Date {
  if (text === undefined) return now();
  const date = new Date(`${text}T00:00:00Z`);
  if (
    !DATE.test(text) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== text
  ) {
    throw new PatchcastError('USAGE', `--date "${text}" is not a date YYYY-MM-DD`);
  }
  return date;
}

async function optional<T>(
  path: string | undefined,
  load: (path: string) => Promise<T>,
): Promise<T | undefined> {
  return path === undefined ? undefined : load(path);
}

function jsonReport(
  inventory: PackageInventory,
  report: ScanReport,
  rejected: readonly RejectedRecord[],
  detectedAt: Date,
): unknown {
  return {
    format: 'patchcast-scan/v1',
    host: { hostname: inventory.hostname, os: inventory.os, collectedAt: inventory.collectedAt },
    detectedAt: detectedAt.toISOString(),
    asset: report.asset,
    summary: { ...report.summary, rejected: rejected.length },
    findings: report.findings,
    rejected,
    problems: report.problems,
    notes: report.notes,
  };
}

export async function runScan(options: ScanOptions, io: Io): Promise<number> {
  const detectedAt = detectionDate(options.date);
  const inventory = await loadInventory(options.inventory);
  const loaded = await loadAdvisories(options.advisories, progressOn(io, 'advisories'));
  const kev: KevCatalog | undefined = await optional(options.kev, loadKev);
  const epss: EpssScores | undefined = await optional(options.epss, loadEpss);
  const policy: DeadlinePolicy | undefined = await optional(options.policy, loadPolicy);
  const advisories = indexAdvisories(loaded.records);
  const report = scanInventory({
    inventory,
    labels: options.labels,
    advisories,
    kev,
    epss,
    policy,
    detectedAt,
  });
  io.err(rejectedText(loaded.rejected));
  for (const p of report.problems)
    io.err(`not compared: ${p.advisoryId} for ${p.package} ${p.version}: ${p.reason}\n`);
  if (options.json)
    io.out(
      `${JSON.stringify(jsonReport(inventory, report, loaded.rejected, detectedAt), null, 2)}\n`,
    );
  else io.out(scanText(inventory, report, loaded.rejected.length));
  return report.findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}
