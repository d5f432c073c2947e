import { LABEL_KEY, PatchcastError, splitLabel } from '@patchcast/core';
import { MAX_DEVICE_LABELS } from '@patchcast/protocol';
import type { DeviceResultsResponse, LabelChangeRequest } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { formatLabels, table } from '../table.js';
import { TRANSFER_HEADERS, transferCells } from '../transfer-view.js';

const PHASES = ['downloadMs', 'verifyMs', 'installMs', 'healthMs', 'totalMs'] as const;

export const devicesCommand: Command = {
  name: 'devices',
  summary: "list enrolled devices, or one device's recent results",
  usage:
    'patchcast devices [--json] | devices show ID [--limit N] [--json] | devices label ID KEY=VALUE... KEY-... [--json] | devices revoke ID [--reason TEXT] [--json] | devices remove ID [--json]',
  help: `Lists every enrolled device: id, name, online, labels, installed patches, and "reboot required"
when an installed patch needs the machine rebooted (the agent never reboots it).

  show ID   the device and its recent results across rollouts, newest first: patch, status
            (as in \`rollout status\`: offline, not-notified, deferred, pending, installing,
            installed, failed, rolled-back, cancelled),
            timings (download, verify, install, health, total, in ms), reboot required, and
            the error code and message of a failed or rolled-back install
  label ID KEY=VALUE... KEY-...
            set labels (KEY=VALUE) and remove them (KEY-) on the server, at once and
            logged (operator role). Agents' --label flags count only when they enroll
  revoke ID [--reason TEXT]
            refuse the device from now on: its connection is closed at once (the agent stops
            with DEVICE_REVOKED), its key never authenticates or enrolls again, and no new
            rollout targets it. Logged with the reason (operator role). A lost or stolen
            machine's successor keeps the id with \`enroll-token create --replace ID\`
  remove ID revoke the device and take it out of lists, reports and rollouts; its history
            stays in the database and the transparency log (operator role)

Options:
${CLIENT_HELP}
  --limit N      how many results \`show\` lists (1 to 1000, default 50)
  --reason TEXT  why a device is revoked (in the log and the device list)
  --json         print {"devices": [...]}, for \`show\` {"device": {...}, "results": [...]},
                 for \`label\`, \`revoke\` and \`remove\` {"device": {...}, "changed":
                 true|false}; a revoked device has "revokedAt"; each device has
                 "recorded": the patch versions the server records on its disk, from install
                 reports and rollbacks, with the rollout of each (docs/rollouts.md)`,
  options: {
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
    limit: { type: 'string' },
    reason: { type: 'string' },
  },
  positionals: { min: 0, max: 2 + MAX_DEVICE_LABELS },
  async run(invocation) {
    const [action, id, ...rest] = invocation.positionals;
    if (action === undefined) return listDevices(invocation);
    if (action === 'label' && id !== undefined) return labelDevice(invocation, id, rest);
    if ((action === 'revoke' || action === 'remove') && id !== undefined && rest.length === 0)
      return endDevice(invocation, action, id);
    if (action !== 'show' || id === undefined || rest.length > 0) {
      throw new PatchcastError('USAGE', `unknown devices action "${action}"`, {
        hint: 'use `patchcast devices`, `devices show ID`, `devices label ID KEY=VALUE KEY-`, `devices revoke ID` or `devices remove ID`',
      });
    }
    return showDevice(invocation, id);
  },
};

async function listDevices(invocation: Invocation): Promise<number> {
  const result = await clientFor(invocation).devices();
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  const rows = result.devices.map((d) => [
    d.id,
    d.name,
    d.revokedAt !== undefined ? 'revoked' : d.online ? 'online' : 'offline',
    d.rebootRequired === true ? 'reboot required' : '',
    formatLabels(d.labels),
    d.inventory.installed.map((p) => `${p.name}@${p.version}`).join(','),
  ]);
  invocation.io.out(table(['ID', 'NAME', 'STATE', 'REBOOT', 'LABELS', 'INSTALLED'], rows));
  return 0;
}

async function showDevice(invocation: Invocation, id: string): Promise<number> {
  const result = await clientFor(invocation).deviceResults(id, limitFlag(invocation));
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  invocation.io.out(renderDevice(result));
  return 0;
}

async function labelDevice(
  invocation: Invocation,
  id: string,
  changes: readonly string[],
): Promise<number> {
  const result = await clientFor(invocation).labelDevice(id, parseLabelChanges(changes));
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  const labels = formatLabels(result.device.labels) || 'none';
  invocation.io.out(`${result.changed ? 'labels of' : 'no change; labels of'} ${id}: ${labels}\n`);
  return 0;
}

async function endDevice(
  invocation: Invocation,
  action: 'revoke' | 'remove',
  id: string,
): Promise<number> {
  const client = clientFor(invocation);
  const reason = stringFlag(invocation, 'reason');
  if (reason !== undefined && action === 'remove')
    throw new PatchcastError('USAGE', '--reason goes with `devices revoke`', {
      hint: 'revoke with a reason first, then remove: patchcast devices revoke ID --reason TEXT',
    });
  const result =
    action === 'revoke'
      ? await client.revokeDevice(id, reason === undefined ? {} : { reason })
      : await client.removeDevice(id);
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  const done = action === 'revoke' ? 'revoked' : 'removed';
  invocation.io.out(
    result.changed
      ? `${done} device ${id} (${result.device.name}); its key is refused from now on\n`
      : `device ${id} (${result.device.name}) was already ${done}\n`,
  );
  return 0;
}

/** `KEY=VALUE` sets a label, `KEY-` removes one (as `kubectl label` does). */
export function parseLabelChanges(changes: readonly string[]): LabelChangeRequest {
  const hint = 'e.g. patchcast devices label dev_x env=prod ring=canary, or ring- to remove';
  if (changes.length === 0)
    throw new PatchcastError('USAGE', 'devices label needs KEY=VALUE or KEY- arguments', { hint });
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const change of changes) {
    if (change.endsWith('-') && !change.includes('=')) {
      const key = change.slice(0, -1);
      if (!LABEL_KEY.test(key))
        throw new PatchcastError('USAGE', `"${key}" is not a label name`, { hint });
      remove.push(key);
    } else {
      const [key, value] = splitLabel(change, change, hint);
      set[key] = value;
    }
  }
  const both = remove.find((key) => set[key] !== undefined);
  if (both !== undefined)
    throw new PatchcastError('USAGE', `label ${both} is both set and removed`, { hint });
  return { set, remove };
}

function limitFlag(invocation: Invocation): number | undefined {
  const text = stringFlag(invocation, 'limit');
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > 1000) {
    throw new PatchcastError(
      'USAGE',
      `--limit must be a whole number from 1 to 1000, not "${text}"`,
    );
  }
  return limit;
}

export function renderDevice({ device, results }: DeviceResultsResponse): string {
  const head = [
    `device ${device.id} (${device.name}): ${device.online ? 'online' : 'offline'}` +
      `${device.rebootRequired === true ? ', reboot required' : ''}`,
    `last seen ${device.lastSeenAt ?? 'never'}; ${results.length} recent result(s)`,
    '',
  ];
  const rows = results.map((r) => [
    r.updatedAt.slice(0, 19).replace('T', ' '),
    r.rolloutId,
    `${r.patch.name}@${r.patch.version}`,
    r.status ?? r.state,
    ...PHASES.map((p) => {
      const ms = r.timings?.[p];
      return ms === undefined ? '-' : String(Math.round(ms));
    }),
    ...transferCells(r.timings),
    r.rebootRequired ? 'reboot required' : '',
    r.error === null ? '' : `${r.error.code}: ${r.error.message}`.slice(0, 100),
  ]);
  const headers = ['UPDATED', 'ROLLOUT', 'PATCH', 'STATE', 'DOWNLOAD', 'VERIFY', 'INSTALL'];
  headers.push('HEALTH', 'TOTAL', ...TRANSFER_HEADERS, 'REBOOT', 'ERROR');
  return `${head.join('\n')}${table(headers, rows)}`;
}
