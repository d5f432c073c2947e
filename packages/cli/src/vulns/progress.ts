/** Progress of a long import on stderr: a rewritten line on a terminal, sparse lines otherwise. */
import type { Io } from '../command.js';

export interface Progress {
  record(rejected: boolean): void;
  done(): void;
}

const TTY_EVERY = 500;
const LOG_EVERY = 10_000;

export function progressOn(io: Io, label: string): Progress {
  let records = 0;
  let rejected = 0;
  let shown = false;
  const line = () => `${label}: ${records} records read, ${rejected} rejected`;
  return {
    record(bad) {
      records += 1;
      if (bad) rejected += 1;
      if (io.isTty && records % TTY_EVERY === 0) {
        io.err(`\r${line()}`);
        shown = true;
      } else if (!io.isTty && records % LOG_EVERY === 0) io.err(`${line()}\n`);
    },
    done() {
      if (shown) io.err(`\r${line()}\n`);
    },
  };
}
