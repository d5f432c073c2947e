/**
 * Runs one command of a command table (`patchcast` and the packaged `patchcast-agent` share it):
 * parse its flags, answer `--help`, load the trust it needs, run it, and report any error with
 * its code, hint and exit status.
 */
import { PatchcastError } from '@patchcast/core';
import type { Command, Io } from './command.js';
import { parseInvocation } from './args.js';
import { trustFor } from './context.js';
import { reportError } from './error-report.js';

export async function dispatch(
  program: string,
  commands: readonly Command[],
  argv: readonly string[],
  io: Io,
): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  try {
    if (command === undefined)
      throw new PatchcastError('USAGE', `unknown command "${name}"`, {
        hint: `see: ${program} --help`,
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
