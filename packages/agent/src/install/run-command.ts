/**
 * Runs a hook or health check: argv without a shell, in its own process group, with a timeout
 * that kills the whole group (SIGTERM, then SIGKILL after a grace period) and capped output.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { CappedOutput } from './capped-output.js';

export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxOutputBytes?: number;
  readonly killGraceMs?: number;
}

interface ExitStatus {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError?: string;
}

export interface RunResult extends ExitStatus {
  readonly timedOut: boolean;
  /** stdout and stderr interleaved; at most maxOutputBytes kept (head and tail). */
  readonly output: string;
  readonly outputBytes: number;
  readonly durationMs: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
const DEFAULT_GRACE_MS = 2000;
const DRAIN_MS = 250;
const POLL_MS = 20;

export async function runCommand(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const output = new CappedOutput(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  let child: ChildProcess;
  try {
    child = startChild(argv, options, output);
  } catch (error) {
    const spawnError = error instanceof Error ? error.message : String(error);
    return {
      exitCode: null,
      signal: null,
      spawnError,
      timedOut: false,
      ...output.result(),
      durationMs: 0,
    };
  }
  const exited = waitForExit(child);
  const timedOut = await timesOut(exited, options.timeoutMs);
  if (timedOut && child.pid !== undefined) {
    await killGroup(child.pid, options.killGraceMs ?? DEFAULT_GRACE_MS);
  }
  const status = await exited;
  await drain(child);
  return { ...status, timedOut, ...output.result(), durationMs: performance.now() - started };
}

function startChild(argv: readonly string[], options: RunOptions, output: CappedOutput) {
  const [program = '', ...args] = argv;
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  return child;
}

function waitForExit(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve) => {
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    child.once('error', (error) =>
      resolve({ exitCode: null, signal: null, spawnError: error.message }),
    );
  });
}

async function timesOut(exited: Promise<ExitStatus>, timeoutMs: number): Promise<boolean> {
  return (await within(exited, timeoutMs)) === undefined;
}

/** The settled value, or undefined if it takes longer than `ms`; the timer never lingers. */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  const cancel = new AbortController();
  const timer = sleep(ms, undefined, { signal: cancel.signal }).catch(() => undefined);
  try {
    return await Promise.race([promise.then((value) => ({ value })), timer]);
  } finally {
    cancel.abort();
  }
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left once the grace period ends. */
async function killGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (groupExists(pgid) && performance.now() < deadline) await sleep(POLL_MS);
  signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    return;
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits briefly for the pipes to close; a leftover process holding them does not block us. */
async function drain(child: ChildProcess): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((stream) => stream !== null);
  const closed = Promise.all(
    streams.filter((stream) => !stream.closed).map((stream) => once(stream, 'close')),
  );
  await within(closed, DRAIN_MS);
  for (const stream of streams) stream.destroy();
}
