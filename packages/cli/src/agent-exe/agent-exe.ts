/**
 * `patchcast-agent`: the packaged agent's own command (a single executable, no Node or npm on the
 * host). Only agent code is reachable from here: no server, no native addons (ADR 0036).
 */
import { AGENT_VERSION } from '@patchcast/agent';
import { PatchcastError } from '@patchcast/core';
import type { Command, Io } from '../command.js';
import { parseInvocation } from '../args.js';
import { trustFor } from '../context.js';
import { reportError } from '../error-report.js';
import { runCommand } from './run-command.js';
import { enrollCommand } from './enroll-command.js';

export const AGENT_EXE_COMMANDS: readonly Command[] = [runCommand, enrollCommand];

export async function agentExeMain(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`patchcast-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  const command = AGENT_EXE_COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined)
      throw new PatchcastError('USAGE', `unknown command "${name}"`, {
        hint: 'see: patchcast-agent --help',
      });
    const invocation = parseInvocation(command, rest, io);
    if (invocation.values.help === true) {
      io.out(`usage: ${command.usage}\n\n${command.summary}.\n\n${command.help}\n`);
      return 0;
    }
    await trustFor(command, invocation);
    return await command.run(invocation);
  } catch (error) {
    return reportError(error, io, argv.includes('--json'), command?.name);
  }
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
