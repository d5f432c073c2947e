/**
 * The README's tour as data. The README is the single source: its code blocks whose info string is
 * `sh tour` are the tour, read top to bottom. Conventions (also stated under the tour):
 *
 * - A command is a non-blank line that is not only a comment; a line ending in `\` continues on
 *   the next one. Multi-line constructs are not used: each command is complete on its own.
 * - A trailing comment (` # ...`) may carry what the test checks: `exits N` is the expected exit
 *   status (0 when absent), and `→ TEXT` (to the end of the comment) is text the command's output
 *   (stdout and stderr together) contains.
 */

export interface TourCommand {
  /** 1-based line of README.md where the command starts. */
  readonly line: number;
  /** The command as written, continuations joined with a newline. */
  readonly text: string;
  readonly exit: number;
  /** Text the output must contain, if any. */
  readonly expect: string | undefined;
}

const FENCE = /^```sh tour\s*$/;

export function tourCommands(markdown: string): TourCommand[] {
  const lines = markdown.split('\n');
  const commands: TourCommand[] = [];
  let inTour = false;
  let pending: { line: number; parts: string[] } | undefined;
  lines.forEach((raw, index) => {
    if (!inTour) {
      inTour = FENCE.test(raw);
      return;
    }
    if (raw.startsWith('```')) {
      if (pending !== undefined) throw new Error(`README.md:${pending.line}: unfinished command`);
      inTour = false;
      return;
    }
    if (pending === undefined && (raw.trim() === '' || raw.trim().startsWith('#'))) return;
    pending ??= { line: index + 1, parts: [] };
    pending.parts.push(raw);
    if (raw.endsWith('\\')) return;
    commands.push(command(pending.line, pending.parts.join('\n')));
    pending = undefined;
  });
  if (inTour) throw new Error('README.md: a `sh tour` block is not closed');
  return commands;
}

function command(line: number, text: string): TourCommand {
  const comment = trailingComment(text);
  const exit = /\bexits (\d+)\b/.exec(comment)?.[1];
  const expect = /→ (.+)$/.exec(comment)?.[1]?.trim();
  return { line, text, exit: exit === undefined ? 0 : Number(exit), expect };
}

/** The comment after the last line's first ` # ` (tour commands keep ` # ` out of quotes). */
function trailingComment(text: string): string {
  const last = text.split('\n').at(-1) ?? '';
  const at = last.indexOf(' # ');
  return at < 0 ? '' : last.slice(at + 3);
}
