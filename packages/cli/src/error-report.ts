/** How every command turns a failure into output and an exit code. */
import { PatchcastError } from '@patchcast/core';
import type { Io } from './command.js';

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

/** One line with the code and cause, one with the hint (the catalog's if the thrower gave none). */
export function reportError(
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
