/** `patchcast-agent enroll`: enroll this host once, then leave the running to the service. */
import { PatchcastError } from '@patchcast/core/base';
import { normalizeServerUrl } from '@patchcast/protocol/agent';
import type { Command } from '../command.js';
import { listFlag, parseLabels, stringFlag } from '../args.js';
import { printJson } from '../print-json.js';
import { CONFIG_OPTION, withConfig } from './run-subcommand.js';
import { DEFAULT_CONFIG_FILE } from './config-file.js';

export const enrollCommand: Command = {
  name: 'enroll',
  summary: 'enroll this host with a token, then exit (start the service afterwards)',
  usage:
    'patchcast-agent enroll [--server URL] [--enroll TOKEN] [--config FILE] [--data DIR] [--name NAME] [--label k=v]... [--trusted-root FILE] [--log-key KEY] [--ca FILE] [--json]',
  help: `Makes this host's device key, pins the repository's root of trust and the log key, and
registers the device with the server, then exits. The server and the token come from the flags,
else from the config file (default: ${DEFAULT_CONFIG_FILE}: PATCHCAST_SERVER, PATCHCAST_ENROLL_TOKEN).
Then: systemctl enable --now patchcast-agent (or \`patchcast-agent run\`).

Options:
  --server URL          the server (default: PATCHCAST_SERVER)
  --enroll TOKEN        token from \`patchcast enroll-token create\` (default: PATCHCAST_ENROLL_TOKEN)
  --data DIR            agent state (default: PATCHCAST_DATA, else /var/lib/patchcast-agent)
  --name NAME, --label k=v, --trusted-root FILE, --log-key KEY, --ca FILE: as \`patchcast agent\`
  --json                print {"deviceId": ...}`,
  options: {
    server: { type: 'string', multiple: true },
    enroll: { type: 'string' },
    data: { type: 'string' },
    root: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string', multiple: true },
    'trusted-root': { type: 'string' },
    'log-key': { type: 'string' },
    ca: { type: 'string' },
    json: { type: 'boolean' },
    ...CONFIG_OPTION,
  },
  positionals: { min: 0, max: 0 },
  async run(given) {
    const invocation = await withConfig(given, 'enroll');
    const token = stringFlag(invocation, 'enroll');
    const flagged = listFlag(invocation, 'server');
    const servers = (flagged.length > 0 ? flagged : [invocation.io.env.PATCHCAST_SERVER ?? ''])
      .flatMap((v) => v.split(','))
      .filter((v) => v.trim() !== '')
      .map((v) => normalizeServerUrl(v.trim()));
    if (token === undefined || servers.length === 0) {
      throw new PatchcastError('USAGE', 'enroll needs a server and an enrollment token', {
        hint: 'pass --server URL --enroll TOKEN, or set PATCHCAST_SERVER and PATCHCAST_ENROLL_TOKEN in the config file',
      });
    }
    const { startAgent } = await import('@patchcast/agent/start');
    const dataDir = stringFlag(invocation, 'data') ?? '';
    const agent = await startAgent({
      dataDir,
      rootDir: stringFlag(invocation, 'root') ?? `${dataDir}/root`,
      servers,
      enrollToken: token,
      name: stringFlag(invocation, 'name'),
      labels: parseLabels(listFlag(invocation, 'label')),
      trustedRootFile: stringFlag(invocation, 'trusted-root'),
      logKey: stringFlag(invocation, 'log-key'),
      log: (line) => invocation.io.err(`${line}\n`),
    });
    await agent.stop();
    if (invocation.values.json === true) printJson(invocation, { deviceId: agent.deviceId });
    else invocation.io.out(`enrolled as ${agent.deviceId}; now start the service\n`);
    return 0;
  },
};
