/** A real `patchcast server` in its own process, on a free loopback port, for one benchmark. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastClient } from '@patchcast/protocol';
import {
  PATCHCAST_BIN,
  captureOutput,
  ownChild,
  stopProcess,
  waitForOutput,
} from './child-process.js';

export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  readonly dataDir: string;
  readonly client: PatchcastClient;
  /** The initial admin token. */
  readonly token: string;
  /** The DevTools endpoint when started with `inspect` (used to take CPU profiles). */
  readonly inspectorUrl: string | undefined;
  output(): string;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  readonly dataDir: string;
  readonly inspect?: boolean;
  /** `--db`: a PostgreSQL URL (an empty database); SQLite in the data folder when absent. */
  readonly db?: string | undefined;
  /** More `patchcast server` flags, e.g. `--limit api=...` for a setup of many requests. */
  readonly flags?: readonly string[];
  readonly startTimeoutMs?: number;
  /** The admin token when this server's data folder has none (another node of its cluster). */
  readonly token?: string;
}

/**
 * A benchmark enrolls and connects its whole simulated fleet from eight loopback addresses within
 * seconds, with one enrollment token (an API request) per agent: far past the abuse limits a real
 * server keeps per address and per token (60 enrollments a minute).
 */
const BENCH_LIMITS = [
  '--limit',
  'enroll=1000000',
  '--limit',
  'agent-connects=1000000',
  '--limit',
  'api=1000000',
];

const LISTENING = /listening on (http:\/\/\S+)/;
const INSPECTOR = /Debugger listening on (ws:\/\/\S+)/;

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const nodeArgs = options.inspect === true ? ['--inspect=127.0.0.1:0'] : [];
  const db = options.db === undefined ? [] : ['--db', options.db];
  const args = ['server', '--data', options.dataDir, '--listen', '127.0.0.1:0', ...db];
  args.push(...BENCH_LIMITS, ...(options.flags ?? []));
  const child = ownChild(
    spawn(process.execPath, [...nodeArgs, PATCHCAST_BIN, ...args, '--log-level', 'error'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output = captureOutput(child);
  try {
    const timeout = options.startTimeoutMs ?? 30_000;
    const inspector =
      options.inspect === true ? waitForOutput(child, INSPECTOR, timeout, 'the server') : undefined;
    const url = (await waitForOutput(child, LISTENING, timeout, 'the server'))[1] ?? '';
    const token = options.token ?? (await initialToken(options.dataDir));
    return describe(
      child,
      { url, token, dataDir: options.dataDir },
      (await inspector)?.[1],
      output,
    );
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

async function initialToken(dataDir: string): Promise<string> {
  return (await readFile(join(dataDir, 'initial-admin-token'), 'utf8')).trim();
}

function describe(
  child: ChildProcess,
  { url, token, dataDir }: { url: string; token: string; dataDir: string },
  inspectorUrl: string | undefined,
  output: () => string,
): ServerProcess {
  return {
    pid: child.pid ?? -1,
    url,
    dataDir,
    client: new PatchcastClient({ server: url, token, timeoutMs: 300_000 }),
    token,
    inspectorUrl,
    output,
    stop: () => stopProcess(child),
  };
}
