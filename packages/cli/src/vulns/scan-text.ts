/** The human-readable scan report: findings by risk, each with its breakdown and deadline. */
import type { RiskFactor, ScanReport, ScoredFinding } from '@patchcast/core';
import type { PackageInventory } from '@patchcast/protocol';
import type { RejectedRecord } from './advisory-loader.js';

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}

function factorText(f: RiskFactor): string {
  const value =
    f.value === null
      ? 'n/a'
      : typeof f.value === 'boolean'
        ? f.value
          ? 'yes'
          : 'no'
        : String(f.value);
  return `${f.factor} ${value} ${signed(f.contribution)}`;
}

function threatLine(f: ScoredFinding): string {
  const cvss =
    f.cvss === undefined
      ? 'CVSS n/a'
      : `CVSS ${f.cvss.version} ${f.cvss.baseScore} ${f.cvss.severity}`;
  const epss =
    f.epss === undefined ? 'EPSS n/a' : `EPSS ${f.epss.epss} (percentile ${f.epss.percentile})`;
  const kev =
    f.kev === undefined ? 'not in KEV' : `KEV since ${f.kev.dateAdded}, due ${f.kev.dueDate}`;
  return `${cvss} | ${epss} | ${kev}`;
}

function deadlineLine(f: ScoredFinding): string {
  const d = f.deadline;
  const due = d.dueDate === undefined ? `no date (${d.outcome})` : d.dueDate;
  const from =
    d.source === 'kev'
      ? ` from the KEV due date (policy: ${d.outcome})`
      : d.source === 'policy'
        ? ` (${d.outcome})`
        : '';
  return `deadline ${due}${from}${d.forensic ? ', forensic investigation' : ''}${f.overdue ? '  OVERDUE' : ''}`;
}

export function findingText(f: ScoredFinding, rank: number): string {
  const ids = [f.advisoryId, ...f.cves.filter((c) => c !== f.advisoryId)].join(' ');
  const fix = f.fixedVersion === undefined ? 'no fixed version' : `fixed in ${f.fixedVersion}`;
  return [
    `#${rank}  risk ${f.risk.score.toFixed(1)}  ${ids}`,
    `    ${f.package} ${f.installedVersion} (${f.ecosystem}): ${fix}${f.summary === undefined ? '' : ` - ${f.summary}`}`,
    `    ${threatLine(f)}`,
    `    ${deadlineLine(f)}`,
    `    risk = ${f.risk.factors.map(factorText).join(' | ')} = ${f.risk.score.toFixed(1)}`,
    `    installed: ${f.origins.slice(0, 5).join(', ')}${f.origins.length > 5 ? ` and ${f.origins.length - 5} more` : ''}`,
  ].join('\n');
}

function headerText(inventory: PackageInventory, report: ScanReport, rejected: number): string {
  const s = report.summary;
  const host = `${inventory.hostname ?? 'host'} (${inventory.os?.prettyName ?? inventory.os?.id ?? 'unknown OS'})`;
  const unsupported = Object.entries(s.advisories.unsupported).map(
    ([e, n]) => `${e} (${n} entries)`,
  );
  const lines = [
    `scanned ${host}: ${s.packages.Debian} Debian source packages, ${s.packages.npm} npm, ${s.packages.PyPI} PyPI, ${s.packages.rpm} rpm`,
    `advisories: ${s.advisories.records} records, ${rejected} rejected, ${s.advisories.withdrawn} withdrawn, ${s.advisories.duplicates} duplicate ids`,
    `asset: criticality ${report.asset.criticality} (${report.asset.criticalityFrom}), exposure ${report.asset.exposure} (${report.asset.exposureFrom})`,
    `KEV: ${s.kev === undefined ? 'not given' : `${s.kev.catalogVersion} (${s.kev.entries} entries)`}; EPSS: ${s.epss === undefined ? 'not given' : `${s.epss.modelVersion} ${s.epss.scoreDate} (${s.epss.entries} CVEs)`}`,
  ];
  if (unsupported.length > 0)
    lines.push(`not evaluated (ecosystem not supported): ${unsupported.join(', ')}`);
  return lines.concat(report.notes.map((n) => `note: ${n}`)).join('\n');
}

function summaryText(report: ScanReport): string {
  const s = report.summary;
  const severities = Object.entries(s.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const by = severities.length === 0 ? '' : ` (${severities.join(', ')})`;
  return `summary: ${s.findings} findings${by}; ${s.inKev} in KEV; ${s.overdue} overdue; device risk max ${s.risk.max.toFixed(1)}, total ${s.risk.total.toFixed(1)}`;
}

export function scanText(
  inventory: PackageInventory,
  report: ScanReport,
  rejected: number,
): string {
  const findings = report.findings.map((f, i) => findingText(f, i + 1));
  return `${[headerText(inventory, report, rejected), ...findings, summaryText(report)].join('\n\n')}\n`;
}

export function rejectedText(rejected: readonly RejectedRecord[]): string {
  return rejected
    .map((r) => `rejected advisory ${r.id ?? '(no id)'} in ${r.file}: ${r.reason}\n`)
    .join('');
}
