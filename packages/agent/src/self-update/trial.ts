/**
 * The trial of a new agent executable: started with the running agent's arguments in trial mode
 * (PATCHCAST_AGENT_TRIAL names the file it writes), it must connect to a server with this
 * device's identity and say so before the deadline. It installs nothing meanwhile.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';

export const TRIAL_ENV = 'PATCHCAST_AGENT_TRIAL';
const POLL_MS = 200;
const KEEP_OUTPUT = 2048;

export type TrialResult =
  { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

export interface TrialRequest {
  readonly exe: string;
  readonly args: readonly string[];
  readonly okFile: string;
  readonly deadlineMs: number;
  readonly log: (line: string) => void;
}

export async function runTrial(request: TrialRequest): Promise<TrialResult> {
  await rm(request.okFile, { force: true });
  const child = spawn(request.exe, [...request.args], {
    env: { ...process.env, [TRIAL_ENV]: request.okFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-KEEP_OUTPUT));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? code ?? '?'})`));
  });
  const watching = new AbortController();
  try {
    const result = await Promise.race([
      exited.then((how) => ({ ok: false as const, how })),
      healthy(request.okFile, request.deadlineMs, watching.signal),
    ]);
    if (result.ok) return result;
    const tail = output.trim().split('\n').slice(-5).join(' | ');
    return { ok: false, reason: `the new agent ${result.how}${tail ? `: ${tail}` : ''}` };
  } finally {
    watching.abort();
    await stop(child);
  }
}

/** The version the trial wrote, or a timeout after `deadlineMs` (polled, bounded). */
async function healthy(
  okFile: string,
  deadlineMs: number,
  stopped: AbortSignal,
): Promise<{ ok: true; version: string } | { ok: false; how: string }> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && !stopped.aborted) {
    const text = await readFile(okFile, 'utf8').catch(() => undefined);
    const version = text === undefined ? undefined : versionOf(text);
    if (version !== undefined) return { ok: true, version };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { ok: false, how: `did not reconnect within ${Math.round(deadlineMs / 1000)} s` };
}

function versionOf(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'version' in value)
      return typeof value.version === 'string' ? value.version : undefined;
  } catch {
    return undefined; // half-written: read again
  }
  return undefined;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
