import { PatchcastError } from '@patchcast/core';
import { parsePatchRef } from '@patchcast/protocol';
import type { DeviceSelector, PatchcastClient, Rollout } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requiredFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { renderRollout, watchRollout } from '../rollout-view.js';
import { table } from '../table.js';
import { REHEARSE_HELP, REHEARSE_OPTIONS, rehearseAction } from './rollout-rehearse.js';

const ACTIONS = ['start', 'status', 'list', 'rehearse'] as const;

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'start a rollout, follow its progress, list rollouts, rehearse a plan offline',
  usage:
    'patchcast rollout start NAME@VERSION --devices SELECTOR [--json] | status ID [--watch] [--json] | list [--json] | rehearse PLAN --devices N --failure-rate F',
  help: `Actions:
  start NAME@VERSION --devices SELECTOR   push a published patch to the selected devices
        SELECTOR is "all", "label=value" (e.g. env=staging) or "id=dev_a,dev_b"
  status ID [--watch]                     counts and per-device states; --watch follows live
                                          and exits 1 if the rollout ends with failures
  list                                    every rollout, newest first
${REHEARSE_HELP}

Options:
  --devices SELECTOR  which devices (start); with rehearse, how many simulated devices
  --failure-rate F, --metric-shift X, --seed S, --expedite, --chart FILE   see rehearse
  --watch             redraw until the rollout completes (status)
${CLIENT_HELP}
  --json              print JSON: {"id","state","counts":{...},"devices":[...]}`,
  options: {
    devices: { type: 'string' },
    watch: { type: 'boolean' },
    ...REHEARSE_OPTIONS,
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 2 },
  async run(invocation) {
    const [action = '', arg] = invocation.positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new PatchcastError('USAGE', `unknown rollout action "${action}"`, {
        hint: `use one of: ${ACTIONS.join(', ')}`,
      });
    }
    if (action === 'rehearse') return rehearseAction(invocation);
    const client = clientFor(invocation);
    if (action === 'list') return list(invocation, client);
    if (arg === undefined)
      throw new PatchcastError(
        'USAGE',
        `rollout ${action} needs ${action === 'start' ? 'NAME@VERSION' : 'an ID'}`,
      );
    if (action === 'start') {
      const devices = parseSelector(
        requiredFlag(invocation, 'devices', 'e.g. --devices all or --devices env=staging'),
      );
      const rollout = await client.createRollout({ patch: parsePatchRef(arg), devices });
      return show(invocation, client, rollout);
    }
    return show(invocation, client, await client.rollout(arg));
  },
};

async function show(
  invocation: Invocation,
  client: PatchcastClient,
  rollout: Rollout,
): Promise<number> {
  const json = boolFlag(invocation, 'json');
  const watch = boolFlag(invocation, 'watch');
  if (watch) rollout = await watchRollout(client, rollout.id, invocation.io, !json);
  if (json) printJson(invocation, rollout);
  else if (!watch) invocation.io.out(renderRollout(rollout));
  // Like `kubectl rollout status`: a watched rollout that ends with failures exits 1.
  return watch && rollout.state === 'completed-with-failures' ? 1 : 0;
}

async function list(invocation: Invocation, client: PatchcastClient): Promise<number> {
  const { rollouts } = await client.rollouts();
  if (boolFlag(invocation, 'json')) printJson(invocation, { rollouts });
  else {
    const rows = rollouts.map((r) => [
      r.id,
      `${r.patch.name}@${r.patch.version}`,
      r.state,
      `${r.counts.installed}/${r.counts.total}`,
      String(r.counts.failed),
      r.createdAt,
    ]);
    invocation.io.out(table(['ID', 'PATCH', 'STATE', 'INSTALLED', 'FAILED', 'CREATED'], rows));
  }
  return 0;
}

export function parseSelector(text: string): DeviceSelector {
  if (text === 'all') return { all: true };
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new PatchcastError('USAGE', `--devices "${text}" is not all, label=value or id=ID,ID`);
  const [key, value] = [text.slice(0, eq), text.slice(eq + 1)];
  if (key === 'id') return { ids: value.split(',').filter((s) => s !== '') };
  return { labels: { [key]: value } };
}
