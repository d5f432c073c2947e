/** `patchcast vulns`: import advisories to the server; findings, queue and compliance report. */
import { PatchcastError } from '@patchcast/core';
import { FINDING_STATES } from '@patchcast/protocol';
import type { FindingState } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, listFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, printJson } from '../context.js';
import { REPORT_OPTIONS_HELP, complianceAction, vulnsClient } from '../vulns/compliance-command.js';
import { NothingImported, runImport, skippedLine } from '../vulns/import-run.js';
import type { ImportResult } from '../vulns/import-run.js';
import { classifySources } from '../vulns/import-sources.js';
import { coverageLines, coverageText } from '../vulns/coverage-text.js';
import { findingsText, queueByDeviceText, queueText } from '../vulns/vulns-text.js';

const ACTIONS = ['import', 'findings', 'queue', 'coverage', 'report'] as const;
const QUEUE_VIEWS = ['advisory', 'device'] as const;

function importText(result: ImportResult): string {
  const a = result.advisories;
  const data = [
    ...result.data.map((k) => `${k} replaced`),
    ...result.dataUnchanged.map((k) => `${k} unchanged`),
  ];
  const lines = [
    `imported ${a.staged} advisories (${a.added} new, ${a.updated} updated, ${a.unchanged} unchanged; ${a.total} stored)` +
      `${data.length > 0 ? `, ${data.join(', ')}` : ''}; findings recomputed on ${result.devicesRecomputed} devices`,
  ];
  if (!result.changed) lines.push('nothing changed: the server already had all of this data');
  lines.push('coverage:', ...coverageLines(result.coverage).map((l) => `  ${l}`));
  if (result.skipped.length > 0) {
    lines.push(`skipped ${result.skipped.length} bad advisory records:`);
    for (const r of result.skipped) lines.push(`  ${skippedLine(r)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function importAction(invocation: Invocation): Promise<number> {
  const sources = await classifySources(invocation.positionals.slice(1), {
    osv: listFlag(invocation, 'osv'),
    kev: stringFlag(invocation, 'kev'),
    epss: stringFlag(invocation, 'epss'),
    policy: stringFlag(invocation, 'policy'),
  });
  const json = boolFlag(invocation, 'json');
  let result: ImportResult;
  try {
    result = await runImport(sources, () => vulnsClient(invocation), invocation.io);
  } catch (error) {
    // With --json, the error document lists every skipped record too.
    if (!json || !(error instanceof NothingImported)) throw error;
    const { code, message, hint } = error;
    printJson(invocation, { error: { code, message, hint }, skipped: error.skipped });
    invocation.io.err(`error[${code}]: ${message}\n`);
    return 1;
  }
  if (json) printJson(invocation, result);
  else invocation.io.out(importText(result));
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

function queueView(invocation: Invocation): (typeof QUEUE_VIEWS)[number] {
  const by = stringFlag(invocation, 'by') ?? 'advisory';
  if ((QUEUE_VIEWS as readonly string[]).includes(by)) return by as (typeof QUEUE_VIEWS)[number];
  throw new PatchcastError('USAGE', `--by "${by}" is not one of ${QUEUE_VIEWS.join(', ')}`, {
    hint: '--by advisory (the default) groups by patch and advisory; --by device lists each finding',
  });
}

async function queueAction(invocation: Invocation): Promise<number> {
  const view = queueView(invocation);
  const queue = await vulnsClient(invocation).queue();
  if (boolFlag(invocation, 'json')) printJson(invocation, queue);
  else if (view === 'device') invocation.io.out(queueByDeviceText(queue.queue, queue.patches));
  else invocation.io.out(queueText(queue.groups, queue.patches));
  return 0;
}

async function findingsAction(invocation: Invocation): Promise<number> {
  const { findings } = await vulnsClient(invocation).findings(
    stringFlag(invocation, 'device'),
    findingState(invocation),
  );
  if (boolFlag(invocation, 'json')) printJson(invocation, { findings });
  else invocation.io.out(findingsText(findings));
  return 0;
}

async function coverageAction(invocation: Invocation): Promise<number> {
  const coverage = await vulnsClient(invocation).coverage();
  if (boolFlag(invocation, 'json')) printJson(invocation, coverage);
  else invocation.io.out(coverageText(coverage));
  return 0;
}

const HANDLERS = {
  findings: findingsAction,
  queue: queueAction,
  coverage: coverageAction,
  report: complianceAction,
} as const;

export const vulnsCommand: Command = {
  name: 'vulns',
  summary: 'import advisories to the server; list findings, the remediation queue, compliance',
  usage:
    'patchcast vulns import [PATH]... [--osv PATH]... [--kev FILE] [--epss FILE] [--policy FILE] [--json] | findings [--device ID] [--state open|closed|all] [--json] | queue [--by advisory|device] [--json] | coverage [--json] | report [--format json|csv|html] [--out FILE]',
  help: `Actions:
  import     read OSV advisories (.json files, folders, osv.dev .zip archives), the CISA KEV
             catalog, an EPSS CSV and a deadline policy table, and store them on the server in
             one transaction. PATHs are told apart by name and content (a folder or .zip is
             OSV; a .csv starting "#model_version" or "cve,epss" is EPSS, one naming "In KEV"
             a policy; a .json named *kev* or with KEV's fields is the KEV catalog, else OSV);
             the flags below name them explicitly. Bad advisory records are skipped and listed
             with file, index, id and reason; the rest imports (exit 0). Importing the same
             data again changes nothing and says so. Exit 1 when a whole file is unreadable
             (ARCHIVE_INVALID, THREAT_DATA_INVALID, POLICY_INVALID; nothing is imported) or
             when nothing at all could be imported (ADVISORY_INVALID). Progress goes to
             stderr; findings of every device are recomputed against the new data. The
             summary ends with the coverage (see coverage).
  findings   findings per device (from the inventories agents send), scored: risk with its
             factors, deadline, KEV, EPSS, and the published patches that claim to fix each.
             A finding closes only when the device's inventory no longer holds an affected
             version; a claiming patch installed on the device that left it open is shown as
             "installed, finding persists" and is not recommended for it again
  queue      the remediation queue: one row per patch and advisory ("P closes it on 5
             devices"), highest risk first, rows without a recommended patch included; then
             per patch the findings it closes and the risk it removes. --by device lists
             each open finding instead
  coverage   which ecosystems and releases the stored advisories cover against what the
             fleet runs, e.g. "no advisory covers Debian 12 (3 devices)"
  report     the compliance report (an alias of \`patchcast report compliance\`)

Options:
  --osv PATH        OSV advisories: a .json file, a folder (recursively) or a .zip; repeatable
  --kev FILE        CISA KEV catalog (known_exploited_vulnerabilities.json)
  --epss FILE       FIRST EPSS scores CSV (.csv or .csv.gz)
  --policy FILE     deadline policy table CSV (default on the server: CISA BOD 26-04, SSVC)
  --device ID       only this device's findings
  --state STATE     open (default), closed or all
  --by VIEW         queue rows: advisory (default: per patch and advisory) or device
${REPORT_OPTIONS_HELP}
${CLIENT_HELP}
  --json            print JSON`,
  options: {
    osv: { type: 'string', multiple: true },
    kev: { type: 'string' },
    epss: { type: 'string' },
    policy: { type: 'string' },
    device: { type: 'string' },
    state: { type: 'string' },
    by: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 100_000 },
  async run(invocation) {
    const action = invocation.positionals[0] ?? '';
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new PatchcastError('USAGE', `unknown vulns action "${action}"`, {
        hint: `use one of: ${ACTIONS.join(', ')}`,
      });
    if (action === 'import') return importAction(invocation);
    if (invocation.positionals.length > 1)
      throw new PatchcastError('USAGE', `vulns ${action} takes no paths`, {
        hint: 'only `patchcast vulns import` takes PATH arguments',
      });
    return HANDLERS[action as Exclude<(typeof ACTIONS)[number], 'import'>](invocation);
  },
};
