/**
 * The compliance report as one self-contained HTML file: inline CSS and inline SVG charts, no
 * script, no external reference of any kind, every text escaped.
 */
import type { ComplianceCounts, ComplianceReport } from '@patchcast/protocol';

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccd;padding:.25rem .5rem;text-align:right}
th{background:#eef}td:first-child,th:first-child{text-align:left}.bad{color:#b00020;font-weight:600}
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}`;

const SERIES = [
  { key: 'closedInTime', label: 'closed in time', color: '#2e7d32' },
  { key: 'closedLate', label: 'closed late', color: '#f9a825' },
  { key: 'onTime', label: 'open, not yet due', color: '#1565c0' },
  { key: 'overdue', label: 'open, overdue', color: '#b00020' },
] as const;

function segments(c: ComplianceCounts): Record<(typeof SERIES)[number]['key'], number> {
  const undatedClosed = c.closed - c.closedInTime - c.closedLate;
  return {
    closedInTime: c.closedInTime + undatedClosed,
    closedLate: c.closedLate,
    onTime: c.open - c.overdue,
    overdue: c.overdue,
  };
}

/** Horizontal stacked bars, one per row, scaled to the largest total. */
function stackedBars(rows: readonly { label: string; counts: ComplianceCounts }[]): string {
  const width = 640;
  const labelWidth = 200;
  const barHeight = 22;
  const max = Math.max(1, ...rows.map((r) => r.counts.findings));
  const bars = rows.map((row, i) => {
    const y = i * (barHeight + 8);
    let x = labelWidth;
    const parts = SERIES.map((s) => {
      const n = segments(row.counts)[s.key];
      const w = (n / max) * (width - labelWidth - 40);
      const rect =
        n === 0
          ? ''
          : `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${s.color}"><title>${escapeHtml(`${s.label}: ${n}`)}</title></rect>`;
      x += w;
      return rect;
    });
    return `<text x="0" y="${y + 16}" font-size="12">${escapeHtml(row.label.slice(0, 30))}</text>${parts.join('')}<text x="${(x + 4).toFixed(1)}" y="${y + 16}" font-size="12">${row.counts.findings}</text>`;
  });
  const height = Math.max(1, rows.length) * (barHeight + 8);
  return `<svg role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars.join('')}</svg>`;
}

function legend(): string {
  return `<p class="legend">${SERIES.map((s) => `<span><i class="sw" style="background:${s.color}"></i>${escapeHtml(s.label)}</span>`).join('')}</p>`;
}

function pct(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)} %`;
}

function days(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

const COUNT_HEADS =
  '<th>findings</th><th>open</th><th>overdue</th><th>closed in time</th><th>closed late</th><th>within deadline</th><th>MTTR (days)</th>';

function countCells(c: ComplianceCounts): string {
  const overdue = c.overdue > 0 ? `<td class="bad">${c.overdue}</td>` : '<td>0</td>';
  return `<td>${c.findings}</td><td>${c.open}</td>${overdue}<td>${c.closedInTime}</td><td>${c.closedLate}</td><td>${pct(c.withinDeadlineShare)}</td><td>${days(c.meanTimeToRemediateDays)}</td>`;
}

function table(heads: string, rows: readonly string[]): string {
  return `<table><thead><tr>${heads}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
}

export function complianceHtml(report: ComplianceReport): string {
  const outcomes = report.byOutcome.map((r) => ({ label: r.outcome, counts: r }));
  const devices = report.devices.slice(0, 25).map((r) => ({ label: r.name, counts: r }));
  const body = [
    `<h1>Vulnerability compliance report</h1>`,
    `<p>Generated ${escapeHtml(report.generatedAt)} · policy: ${escapeHtml(report.policy)}</p>`,
    table(COUNT_HEADS, [countCells(report.totals)]),
    `<h2>By deadline</h2>`,
    legend(),
    stackedBars(outcomes),
    table(
      `<th>deadline</th>${COUNT_HEADS}`,
      report.byOutcome.map((r) => `<td>${escapeHtml(r.outcome)}</td>${countCells(r)}`),
    ),
    `<h2>Overdue findings</h2>`,
    table(
      '<th>device</th><th>owner</th><th>advisory</th><th>package</th><th>due</th><th>risk</th>',
      report.overdue.map(
        (r) =>
          `<td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.owner ?? '–')}</td><td>${escapeHtml(r.advisoryId)}</td><td>${escapeHtml(r.package)}</td><td>${escapeHtml(r.dueDate)}</td><td>${r.risk.toFixed(2)}</td>`,
      ),
    ),
    `<h2>Installed, finding persists</h2>`,
    `<p>Patches that claim to fix these findings are installed, and the device's inventory still holds the affected version.</p>`,
    table(
      '<th>device</th><th>owner</th><th>advisory</th><th>package</th><th>installed version</th><th>installed patches</th>',
      report.findingPersists.map(
        (r) =>
          `<td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.owner ?? '–')}</td><td>${escapeHtml(r.advisoryId)}</td><td>${escapeHtml(r.package)}</td><td>${escapeHtml(r.installedVersion)}</td><td class="bad">${escapeHtml(r.patches.join(' '))}</td>`,
      ),
    ),
    `<h2>Devices</h2>`,
    stackedBars(devices),
    table(
      `<th>device</th><th>owner</th>${COUNT_HEADS}<th>max open risk</th>`,
      report.devices.map(
        (r) =>
          `<td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.owner ?? '–')}</td>${countCells(r)}<td>${r.maxOpenRisk.toFixed(2)}</td>`,
      ),
    ),
    `<h2>Advisories</h2>`,
    table(
      `<th>advisory</th><th>CVEs</th><th>KEV</th><th>devices</th>${COUNT_HEADS}`,
      report.advisories.map(
        (r) =>
          `<td>${escapeHtml(r.advisoryId)}</td><td>${escapeHtml(r.cves.join(' '))}</td><td>${r.kev ? 'yes' : ''}</td><td>${r.devices}</td>${countCells(r)}`,
      ),
    ),
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Patchcast compliance report</title><style>${CSS}</style></head><body>${body.join('\n')}</body></html>\n`;
}
