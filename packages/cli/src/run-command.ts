/** Runs one subcommand: its flags, --help, the --ca trust, and every failure as one clear line. */
import { PatchcastError } from '@patchcast/core/base';
import type { Command, Io } from './command.js';
import { parseInvocation } from './args.js';
import { trustFor } from './trust-flag.js';

export const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

export function defaultIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    isTty: process.stderr.isTTY,
  };
}

/** Runs the command of `commands` that `argv[0]` names with the rest; another name is USAGE. */
export function runNamed(
  program: string,
  commands: readonly Command[],
  argv: readonly string[],
  io: Io,
): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (command !== undefined) return runCommand(command, rest, io);
  const unknown = new PatchcastError('USAGE', `unknown command "${name}"`, {
    hint: `see: ${program} --help`,
  });
  return Promise.resolve(reportFailure(unknown, io, argv.includes('--json'), undefined));
}

/** `argv` without the command's name. */
export async function runCommand(
  command: Command,
  argv: readonly string[],
  io: Io,
): Promise<number> {
  try {
    const invocation = parseInvocation(command, argv, io);
    if (invocation.values.help === true) {
      io.out(`usage: ${command.usage}\n\n${command.summary}.\n\n${command.help}\n`);
      return 0;
    }
    await trustFor(command, invocation);
    return await command.run(invocation);
  } catch (error) {
    return reportFailure(error, io, argv.includes('--json'), command.name);
  }
}

/** One line with the code and cause, one with the hint (the catalog's if the thrower gave none). */
export function reportFailure(
  error: unknown,
  io: Io,
  json: boolean,
  command: string | undefined,
): number {
  const pe =
    error instanceof PatchcastError
      ? error
      : new PatchcastError('INTERNAL', String(error instanceof Error ? error.stack : error));
  const hint = command === undefined ? pe.hint : pe.hint?.replace('<command>', command);
  if (json) io.out(`${JSON.stringify({ error: { code: pe.code, message: pe.message, hint } })}\n`);
  io.err(`error[${pe.code}]: ${pe.message}\n${hint === undefined ? '' : `  hint: ${hint}\n`}`);
  return pe.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILURE;
}
