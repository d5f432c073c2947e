/**
 * `patchcast-agent run`: the packaged agent's service command. The same agent as
 * `patchcast agent`, with its settings from the config file (`KEY=VALUE`, as the systemd unit
 * reads it), the environment, then the flags, each overriding the one before.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command, Invocation } from '../command.js';
import { isSea } from 'node:sea';
import { PatchcastError } from '@patchcast/core/base';
import { TRIAL_ENV } from '@patchcast/agent/start';
import type { SelfUpdateConfig } from '@patchcast/agent/start';
import { agentCommand, runAgent } from '../commands/agent.js';
import { SUPERVISED_ENV, stopWithParent, supervise } from './supervisor.js';
import { parseDuration, stringFlag } from '../args.js';
import { DEFAULT_CONFIG_FILE, DEFAULT_DATA_DIR, readConfigFile } from './config-file.js';

export const CONFIG_OPTION = { config: { type: 'string' } } as const;
const RUN_OPTIONS = {
  supervisor: { type: 'string' },
  'self-update-deadline': { type: 'string' },
} as const;

export const runSubcommand: Command = {
  name: 'run',
  summary: 'run the agent (the systemd unit runs this); enrolls first when the config has a token',
  usage: 'patchcast-agent run [--config FILE] [any `patchcast agent` flag]',
  help: `Runs the endpoint agent: a live channel to the server, verified installs, health checks,
rollbacks, reports. Settings come from the config file, then the environment, then the flags:

  --config FILE   KEY=VALUE file (default: ${DEFAULT_CONFIG_FILE}; absent is fine)
    PATCHCAST_SERVER=URL[,URL]   the server (or several nodes of one cluster)
    PATCHCAST_ENROLL_TOKEN=TOKEN used once, while the data folder holds no identity yet
    PATCHCAST_DATA=DIR           agent state (default: ${DEFAULT_DATA_DIR})
    PATCHCAST_ROOT=DIR           managed root patches install into (default: DIR/root)
    PATCHCAST_CA=FILE            CA (PEM) of an https:// server
    PATCHCAST_NAME=NAME, PATCHCAST_LABELS=k=v,k=v   used when enrolling

  --supervisor on|off|auto
                  run the agent under this executable's own supervisor, which starts it again
                  after a self-update (exit 75); auto (default): on unless systemd runs it
                  (systemd restarts the unit on 75 itself)
  --self-update-deadline DURATION
                  how long a new agent version has to reconnect before the previous one is
                  put back (default 60s; e.g. 90s, 5m)

Every flag of \`patchcast agent\` works here too (--data, --server, --enroll, --label, ...):

${agentCommand.help}`,
  options: { ...agentCommand.options, ...CONFIG_OPTION, ...RUN_OPTIONS },
  positionals: { min: 0, max: 0 },
  async run(given) {
    const invocation = await withConfig(given, 'run');
    const env = given.io.env;
    const trialOkFile = env[TRIAL_ENV];
    if (trialOkFile !== undefined && trialOkFile !== '') {
      stopWithParent();
      return runAgent(invocation, { trialOkFile });
    }
    if (env[SUPERVISED_ENV] === '1') stopWithParent();
    else if (supervising(invocation))
      return supervise(process.execPath, process.argv.slice(2), (l) => given.io.err(`${l}\n`));
    return runAgent(invocation, { selfUpdate: packagedSelfUpdate(invocation) });
  },
};

/** `--supervisor on|off|auto`: auto supervises a packaged agent that systemd does not run. */
function supervising(invocation: Invocation): boolean {
  const mode = stringFlag(invocation, 'supervisor') ?? 'auto';
  if (!['on', 'off', 'auto'].includes(mode))
    throw new PatchcastError('USAGE', '--supervisor must be on, off or auto');
  if (mode === 'auto') return isSea() && invocation.io.env.INVOCATION_ID === undefined;
  return mode === 'on' && isSea();
}

/** Only the single executable can replace itself: an npm install is updated with npm. */
function packagedSelfUpdate(invocation: Invocation): SelfUpdateConfig | undefined {
  const deadline = stringFlag(invocation, 'self-update-deadline');
  const deadlineMs = deadline === undefined ? undefined : parseDuration(deadline) * 1000;
  if (deadlineMs === 0) throw new PatchcastError('USAGE', '--self-update-deadline must be above 0');
  if (!isSea()) return undefined;
  return { exePath: process.execPath, args: process.argv.slice(2), deadlineMs };
}

/**
 * The invocation with the config file's values filled in where neither the flags nor the
 * environment set them. The enrollment token is used only while the agent is not enrolled.
 */
export async function withConfig(
  invocation: Invocation,
  purpose: 'run' | 'enroll',
): Promise<Invocation> {
  const { config } = await readConfigFile(stringFlag(invocation, 'config'));
  const env: NodeJS.ProcessEnv = { ...config, ...invocation.io.env };
  const given = invocation.values;
  const data = stringFlag(invocation, 'data') ?? env.PATCHCAST_DATA ?? DEFAULT_DATA_DIR;
  const token = env.PATCHCAST_ENROLL_TOKEN;
  const enrollFromConfig =
    given.enroll === undefined && token !== undefined && token !== ''
      ? purpose === 'enroll' || !(await enrolled(data))
      : false;
  const labels = (env.PATCHCAST_LABELS ?? '').split(',').filter((l) => l !== '');
  const values = {
    ...given,
    data,
    ...(given.enroll === undefined && enrollFromConfig ? { enroll: token } : {}),
    ...(given.root === undefined && env.PATCHCAST_ROOT ? { root: env.PATCHCAST_ROOT } : {}),
    ...(given.name === undefined && env.PATCHCAST_NAME ? { name: env.PATCHCAST_NAME } : {}),
    ...(given.label === undefined && labels.length > 0 ? { label: labels } : {}),
  };
  return { values, positionals: invocation.positionals, io: { ...invocation.io, env } };
}

async function enrolled(dataDir: string): Promise<boolean> {
  return access(join(dataDir, 'identity.json')).then(
    () => true,
    () => false,
  );
}
