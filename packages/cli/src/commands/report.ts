/** `patchcast report compliance`: the compliance report (docs/vulnerabilities.md §7). */
import { PatchcastError } from '@patchcast/core';
import type { Command } from '../command.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION } from '../context.js';
import { REPORT_OPTIONS_HELP, complianceAction } from '../vulns/compliance-command.js';

const REPORTS = ['compliance'] as const;

export const reportCommand: Command = {
  name: 'report',
  summary: 'reports from the server: compliance with remediation deadlines',
  usage: 'patchcast report compliance [--format json|csv|html] [--out FILE] [--json]',
  help: `Reports:
  compliance   from every finding, open and closed: per deadline outcome of the policy, per
               device (with its owner label) and per advisory, the findings, open, overdue,
               closed in time and late, the share within deadline and the mean time to
               remediate, and the overdue list with owners. The HTML report is one
               self-contained file with inline SVG charts (no script, no external reference).

Options:
${REPORT_OPTIONS_HELP}
  --json            the same as --format json (errors are printed as JSON too)
${CLIENT_HELP}

Example:
  patchcast report compliance --format html --out compliance.html`,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const report = invocation.positionals[0] ?? '';
    if (!(REPORTS as readonly string[]).includes(report))
      throw new PatchcastError('USAGE', `unknown report "${report}"`, {
        hint: `use one of: ${REPORTS.join(', ')}`,
      });
    return complianceAction(invocation);
  },
};
