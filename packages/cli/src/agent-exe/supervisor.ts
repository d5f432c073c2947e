/**
 * The packaged agent's own supervisor, for hosts without systemd: it runs the agent as a child
 * process and starts the executable in place again when the agent exits with 75 (after a
 * self-update, ADR 0036). Signals are passed on; any other exit ends the supervisor with it.
 */
import { spawn } from 'node:child_process';
import { EXIT_RESTART } from '../commands/agent.js';

/** As the systemd unit sets it: a smaller young generation, less memory at idle (PERFORMANCE.md). */
const IDLE_NODE_OPTIONS = '--max-semi-space-size=1';

export const SUPERVISED_ENV = 'PATCHCAST_SUPERVISED';
/** A crash loop stops: at most this many restarts within RESTART_WINDOW_MS. */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 10 * 60_000;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export async function supervise(
  exe: string,
  args: readonly string[],
  log: (line: string) => void,
): Promise<number> {
  const restarts: number[] = [];
  let stopping = false;
  let current: ReturnType<typeof spawn> | undefined;
  const forward = (signal: NodeJS.Signals) => {
    if (signal !== 'SIGHUP') stopping = true;
    current?.kill(signal);
  };
  for (const signal of SIGNALS) process.on(signal, forward);
  try {
    for (;;) {
      const child = spawn(exe, [...args], {
        stdio: 'inherit',
        env: { NODE_OPTIONS: IDLE_NODE_OPTIONS, ...process.env, [SUPERVISED_ENV]: '1' },
      });
      current = child;
      const code = await new Promise<number>((resolve) => {
        child.once('error', () => resolve(1));
        child.once('exit', (c, signal) => resolve(c ?? (signal === null ? 1 : 128)));
      });
      if (stopping || code !== EXIT_RESTART) return code;
      const now = Date.now();
      restarts.push(now);
      while ((restarts[0] ?? now) < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        log(`supervisor: ${restarts.length} restarts within 10 minutes; giving up`);
        return 1;
      }
      log('supervisor: starting the agent executable in place again');
    }
  } finally {
    for (const signal of SIGNALS) process.off(signal, forward);
  }
}

/**
 * In a supervised agent or a trial (a child of another agent process): stops when that parent
 * is gone, so that no agent outlives the process that owns it.
 */
export function stopWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 1000).unref();
}
