import type { Command } from '../command.js';
import { boolFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { table } from '../table.js';

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'list enrolled devices',
  usage: 'patchcast devices [--json]',
  help: `Lists every enrolled device: id, name, online, labels, installed patches.

Options:
${CLIENT_HELP}
  --json         print {"devices": [...]}`,
  options: { ...CLIENT_OPTIONS, ...JSON_OPTION },
  positionals: { min: 0, max: 0 },
  async run(invocation) {
    const result = await clientFor(invocation).devices();
    if (boolFlag(invocation, 'json')) {
      printJson(invocation, result);
      return 0;
    }
    const rows = result.devices.map((d) => [
      d.id,
      d.name,
      d.online ? 'online' : 'offline',
      Object.entries(d.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      d.inventory.installed.map((p) => `${p.name}@${p.version}`).join(','),
    ]);
    invocation.io.out(table(['ID', 'NAME', 'STATE', 'LABELS', 'INSTALLED'], rows));
    return 0;
  },
};
