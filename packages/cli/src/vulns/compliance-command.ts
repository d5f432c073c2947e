/**
 * The compliance report (docs/vulnerabilities.md §7), shared by `patchcast report compliance`
 * and its alias `patchcast vulns report`: fetched from the server, written as JSON, CSV or one
 * self-contained HTML file.
 */
import { writeFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';
import type { Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { clientFor } from '../context.js';
import { complianceCsv } from './report-csv.js';
import { complianceHtml } from './report-html.js';
import { VulnsClient } from './vulns-client.js';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;

export const REPORT_OPTIONS_HELP = `  --format FORMAT   report format: json (default), csv, or html (one self-contained file)
  --out FILE        write the report to FILE instead of stdout`;

export function vulnsClient(invocation: Invocation): VulnsClient {
  const client = clientFor(invocation);
  const token = stringFlag(invocation, 'token') ?? invocation.io.env.PATCHCAST_TOKEN ?? '';
  return new VulnsClient(client.server, token);
}

export async function complianceAction(invocation: Invocation): Promise<number> {
  const format = stringFlag(invocation, 'format') ?? 'json';
  if (boolFlag(invocation, 'json') && format !== 'json')
    throw new PatchcastError('USAGE', `--json and --format ${format} contradict each other`);
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw new PatchcastError(
      'USAGE',
      `--format "${format}" is not one of ${REPORT_FORMATS.join(', ')}`,
    );
  const report = await vulnsClient(invocation).report();
  const text =
    format === 'csv'
      ? complianceCsv(report)
      : format === 'html'
        ? complianceHtml(report)
        : `${JSON.stringify(report, null, 2)}\n`;
  const out = stringFlag(invocation, 'out');
  if (out === undefined) invocation.io.out(text);
  else {
    await writeFile(out, text);
    invocation.io.err(`wrote the ${format} compliance report to ${out}\n`);
  }
  return 0;
}
