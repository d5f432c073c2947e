/** `patchcast scan`: the offline vulnerability scanner (docs/vulnerabilities.md). */
import { PatchcastError } from '@patchcast/core';
import type { Command } from '../command.js';
import { boolFlag, listFlag, parseLabels, requiredFlag, stringFlag } from '../args.js';
import { runScan } from '../vulns/scan-run.js';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'find vulnerable packages in an inventory, offline, ranked by risk',
  usage:
    'patchcast scan --inventory FILE --advisories PATH... [--kev FILE] [--epss FILE] [--policy FILE] [--label K=V]... [--date YYYY-MM-DD] [--json]',
  help: `Matches an inventory (docs/protocol/inventory.md) against OSV advisories by OSV semantics,
without a server, and ranks the findings by risk, each with its breakdown and deadline
(docs/vulnerabilities.md).

Options:
  --inventory FILE     the inventory JSON the agent collects
  --advisories PATH... OSV .json files, folders of them (recursively) or osv.dev all.zip
                       archives; the paths after it are advisory sources too. Bad records
                       are reported on stderr (file, id, reason) and skipped.
  --kev FILE           CISA KEV catalog (known_exploited_vulnerabilities.json)
  --epss FILE          FIRST EPSS scores CSV (.csv or .csv.gz)
  --policy FILE        deadline table CSV (default: CISA BOD 26-04, SSVC)
  --label K=V          device label, e.g. criticality=high or exposure=internet; repeatable
  --date YYYY-MM-DD    count deadlines from this day (default: today)
  --json               print the report as JSON

Exit status: 0 when nothing was found, 1 when there are findings (or on an error, which
prints error[CODE] on stderr), 2 for usage errors.

Example:
  patchcast scan --inventory host.json --advisories Debian.zip npm/ --kev kev.json --label exposure=internet`,
  options: {
    inventory: { type: 'string' },
    advisories: { type: 'string', multiple: true },
    kev: { type: 'string' },
    epss: { type: 'string' },
    policy: { type: 'string' },
    label: { type: 'string', multiple: true },
    date: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 0, max: 100_000 },
  async run(invocation) {
    const advisories = [...listFlag(invocation, 'advisories'), ...invocation.positionals];
    if (advisories.length === 0) {
      throw new PatchcastError('USAGE', '--advisories is required', {
        hint: 'pass OSV files, folders or .zip archives',
      });
    }
    const options = {
      inventory: requiredFlag(invocation, 'inventory', 'pass the inventory JSON file'),
      advisories,
      kev: stringFlag(invocation, 'kev'),
      epss: stringFlag(invocation, 'epss'),
      policy: stringFlag(invocation, 'policy'),
      labels: parseLabels(listFlag(invocation, 'label')),
      date: stringFlag(invocation, 'date'),
      json: boolFlag(invocation, 'json'),
    };
    return runScan(options, invocation.io);
  },
};
