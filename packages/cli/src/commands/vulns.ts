/** `patchcast vulns`: import advisories to the server; findings, queue and compliance report. */
import { writeFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';
import { FINDING_STATES } from '@patchcast/protocol';
import type { FindingState } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, listFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { runImport } from '../vulns/import-run.js';
import { complianceCsv } from '../vulns/report-csv.js';
import { complianceHtml } from '../vulns/report-html.js';
import { VulnsClient } from '../vulns/vulns-client.js';
import { findingsText, queueText } from '../vulns/vulns-text.js';

const ACTIONS = ['import', 'findings', 'queue', 'report'] as const;
const FORMATS = ['json', 'csv', 'html'] as const;

function vulnsClient(invocation: Invocation): VulnsClient {
  const client = clientFor(invocation);
  const token = stringFlag(invocation, 'token') ?? invocation.io.env.PATCHCAST_TOKEN ?? '';
  return new VulnsClient(client.server, token);
}

async function importAction(invocation: Invocation): Promise<number> {
  const summary = await runImport(
    {
      osv: listFlag(invocation, 'osv'),
      kev: stringFlag(invocation, 'kev'),
      epss: stringFlag(invocation, 'epss'),
      policy: stringFlag(invocation, 'policy'),
    },
    vulnsClient(invocation),
    invocation.io,
  );
  if (boolFlag(invocation, 'json')) printJson(invocation, summary);
  else {
    const a = summary.advisories;
    invocation.io.out(
      `imported ${a.staged} advisories (${a.added} new, ${a.updated} updated, ${a.unchanged} unchanged; ${a.total} stored)` +
        `${summary.data.length > 0 ? `, ${summary.data.join(', ')}` : ''}; findings recomputed on ${summary.devicesRecomputed} devices\n`,
    );
  }
  return 0;
}

function findingState(invocation: Invocation): FindingState {
  const state = stringFlag(invocation, 'state') ?? 'open';
  if ((FINDING_STATES as readonly string[]).includes(state)) return state as FindingState;
  throw new PatchcastError(
    'USAGE',
    `--state "${state}" is not one of ${FINDING_STATES.join(', ')}`,
  );
}

async function reportAction(invocation: Invocation): Promise<number> {
  const format = stringFlag(invocation, 'format') ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new PatchcastError('USAGE', `--format "${format}" is not one of ${FORMATS.join(', ')}`);
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

export const vulnsCommand: Command = {
  name: 'vulns',
  summary: 'import advisories to the server; list findings, the remediation queue, compliance',
  usage:
    'patchcast vulns import [--osv PATH]... [--kev FILE] [--epss FILE] [--policy FILE] [--json] | findings [--device ID] [--state open|closed|all] [--json] | queue [--json] | report [--format json|csv|html] [--out FILE]',
  help: `Actions:
  import     read OSV advisories (.json files, folders, osv.dev .zip archives), the CISA KEV
             catalog, an EPSS CSV and a deadline policy table, check every record, and store
             them on the server in one all-or-nothing import. One bad record or file refuses
             the whole import (ADVISORY_INVALID, ARCHIVE_INVALID, THREAT_DATA_INVALID,
             POLICY_INVALID, naming the file and record); progress goes to stderr. Findings of
             every device are recomputed against the new data.
  findings   findings per device (from the inventories agents send), scored: risk with its
             factors, deadline, KEV, EPSS, and the published patches that fix each
  queue      open findings ranked by risk (the remediation queue), with the patches that close
             them and how much risk each patch removes
  report     the compliance report: per deadline, per device and per advisory, open, overdue
             and closed-in-time counts and the mean time to remediate

Options:
  --osv PATH        OSV advisories: a .json file, a folder (recursively) or a .zip; repeatable
  --kev FILE        CISA KEV catalog (known_exploited_vulnerabilities.json)
  --epss FILE       FIRST EPSS scores CSV (.csv or .csv.gz)
  --policy FILE     deadline policy table CSV (default on the server: CISA BOD 26-04, SSVC)
  --device ID       only this device's findings
  --state STATE     open (default), closed or all
  --format FORMAT   report format: json (default), csv, or html (one self-contained file)
  --out FILE        write the report to FILE instead of stdout
${CLIENT_HELP}
  --json            print JSON`,
  options: {
    osv: { type: 'string', multiple: true },
    kev: { type: 'string' },
    epss: { type: 'string' },
    policy: { type: 'string' },
    device: { type: 'string' },
    state: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const action = invocation.positionals[0] ?? '';
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new PatchcastError('USAGE', `unknown vulns action "${action}"`, {
        hint: `use one of: ${ACTIONS.join(', ')}`,
      });
    if (action === 'import') return importAction(invocation);
    if (action === 'report') return reportAction(invocation);
    const client = vulnsClient(invocation);
    if (action === 'findings') {
      const { findings } = await client.findings(
        stringFlag(invocation, 'device'),
        findingState(invocation),
      );
      if (boolFlag(invocation, 'json')) printJson(invocation, { findings });
      else invocation.io.out(findingsText(findings));
      return 0;
    }
    const queue = await client.queue();
    if (boolFlag(invocation, 'json')) printJson(invocation, queue);
    else invocation.io.out(queueText(queue.queue, queue.patches));
    return 0;
  },
};
