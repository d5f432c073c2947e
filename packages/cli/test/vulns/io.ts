/** A fake Io that collects what a command prints. */
import type { Io } from '../../src/command.js';

export interface CapturedIo extends Io {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(isTty = false): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: {},
    isTty,
    stdout: () => out,
    stderr: () => err,
  };
}
