/**
 * `patchcast agent` on its own: the small entry point an endpoint runs. bin/patchcast.js starts
 * here for `agent`, and a single-file build of the agent bundles from here: it loads the agent
 * command and the idle agent (its channel, state and inventory sync) and none of the other
 * commands; verification, downloads and installers load when the first patch arrives.
 */
import type { Io } from './command.js';
import { agentCommand } from './commands/agent.js';
import { defaultIo, runCommand } from './run-command.js';

/** `argv` after `agent`. */
export function agentMain(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  return runCommand(agentCommand, argv, io);
}
