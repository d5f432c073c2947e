import type { AuditReport } from './run-audit.js';

/** The human form of an audit: what was checked, then one line per problem. */
export function renderAudit(report: AuditReport): string {
  const { checked, log } = report;
  const records =
    checked.records === null
      ? 'not checked (the server needs --token to list them)'
      : `${checked.records} checked against the log`;
  const lines = [
    `audit of ${report.source}: log ${log.origin}, key ${log.key}`,
    `  entries      ${checked.entries} read and re-hashed`,
    ...(checked.tiles > 0 ? [`  tiles        ${checked.tiles} compared with our hashes`] : []),
    `  checkpoints  ${checked.checkpoints} verified`,
    `  records      ${records}`,
    ...(checked.pending > 0
      ? [
          `  pending      ${checked.pending} entries written with their records, not yet in the log (numbered from ${log.size}; the server appends them when it runs)`,
        ]
      : []),
    ...report.problems.map((p) => `problem: ${p.where}: ${p.what}`),
    report.ok
      ? 'OK: the log is intact and agrees with the records'
      : `FAILED: ${report.problems.length} problem(s)`,
  ];
  return `${lines.join('\n')}\n`;
}
