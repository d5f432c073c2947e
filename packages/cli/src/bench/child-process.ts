/** Child processes of a benchmark: wait for a line of their output, stop them for sure. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PatchcastError } from '@patchcast/core';
import { atAbort } from './abort-guard.js';

export const PATCHCAST_BIN = fileURLToPath(new URL('../../../bin/patchcast.js', import.meta.url));

const KEEP_CHARS = 16_384;

/**
 * Stops `child` (SIGTERM) if this process exits or is interrupted first, so that an aborted
 * benchmark leaves no server, agent or nginx behind (forked workers exit when their IPC closes).
 */
export function ownChild<T extends ChildProcess>(child: T): T {
  const forget = atAbort(() => child.kill('SIGTERM'));
  child.once('exit', forget);
  return child;
}

/** The last few KiB a child wrote on stdout and stderr, for error messages. */
export function captureOutput(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-KEEP_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpMatchArray> {
  const output = captureOutput(child);
  const failure = (why: string) =>
    new PatchcastError('INTERNAL', `${what} ${why}; its output:\n${output()}`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => stop(() => reject(failure(`was not ready within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const stop = watch(child, timer, {
      onData: () => {
        const match = pattern.exec(output());
        if (match !== null) stop(() => resolve(match));
      },
      onExit: (code) => stop(() => reject(failure(`exited (${code}) before it was ready`))),
    });
  });
}

interface Watchers {
  readonly onData: () => void;
  readonly onExit: (code: number | null) => void;
}

/** Listens to a child's output and exit; the returned function unhooks (and clears `timer`), then runs `then`. */
function watch(
  child: ChildProcess,
  timer: NodeJS.Timeout,
  { onData, onExit }: Watchers,
): (then: () => void) => void {
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('exit', onExit);
  return (then) => {
    clearTimeout(timer);
    child.stdout?.off('data', onData);
    child.stderr?.off('data', onData);
    child.off('exit', onExit);
    then();
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
