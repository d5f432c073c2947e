/**
 * `patchcast-agent`: the packaged agent's own command (a single executable, no Node or npm on the
 * host). Only agent code is reachable from here: no server, no native addons (ADR 0036).
 */
import { AGENT_VERSION } from '@patchcast/agent/start';
import type { Command, Io } from '../command.js';
import { runNamed } from '../run-command.js';
import { runSubcommand } from './run-subcommand.js';
import { enrollCommand } from './enroll-command.js';

export const AGENT_EXE_COMMANDS: readonly Command[] = [runSubcommand, enrollCommand];

export async function agentExeMain(argv: readonly string[], io: Io): Promise<number> {
  const [name] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`patchcast-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  return runNamed('patchcast-agent', AGENT_EXE_COMMANDS, argv, io);
}

function overview(): string {
  const lines = AGENT_EXE_COMMANDS.map((c) => `  ${c.name.padEnd(7)} ${c.summary}`);
  return `patchcast-agent ${AGENT_VERSION}: the Patchcast endpoint agent

usage: patchcast-agent <command> [options]   (patchcast-agent <command> --help for details)

commands:
${lines.join('\n')}
  version print the agent's version
`;
}
