import type { Command } from '../command.js';
import { boolFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the server: version, storage, repository versions, log, devices, rollouts',
  usage: 'patchcast status [--json]',
  help: `Options:
${CLIENT_HELP}
  --json         print the status as JSON`,
  options: { ...CLIENT_OPTIONS, ...JSON_OPTION },
  positionals: { min: 0, max: 0 },
  async run(invocation) {
    const client = clientFor(invocation);
    const s = await client.status();
    if (boolFlag(invocation, 'json')) {
      printJson(invocation, { server: client.server, ...s });
      return 0;
    }
    const r = s.repository;
    invocation.io.out(
      [
        `server      ${client.server} (Patchcast ${s.version}, up ${s.uptimeSeconds}s)`,
        `storage     ${s.storage}, bus ${s.bus}`,
        `repository  root v${r.root}, targets v${r.targets}, snapshot v${r.snapshot}, timestamp v${r.timestamp}`,
        `log         ${s.log.origin}, ${s.log.size} entries, key ${s.log.key}`,
        `devices     ${s.devices.online} online of ${s.devices.total}`,
        `rollouts    ${s.rollouts.active} active of ${s.rollouts.total}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
