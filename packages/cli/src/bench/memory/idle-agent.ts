/**
 * A real `patchcast agent` process (or, with `agentExe`, the packaged `patchcast-agent run`),
 * enrolled and connected, left idle; then its memory is read.
 * Then the same agent started again on its data folder (a service after a restart: no
 * enrollment), and beside both a bare `node` process idling as long: Node's own floor.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PATCHCAST_BIN, ownChild, stopProcess, waitForOutput } from '../child-process.js';
import { sleep } from '../clock.js';
import { procMemory } from '../proc-status.js';
import type { ProcMemory } from '../proc-status.js';
import type { ServerProcess } from '../server-process.js';

/** The `Environment=NODE_OPTIONS=` of examples/systemd/patchcast-agent.service. */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=1';

export interface IdleAgentMemory {
  /** The agent that enrolled in this process, then idled; its peak covers the enrollment. */
  readonly enrolled: ProcMemory;
  /** The same agent started again without a token, then idled. */
  readonly restarted: ProcMemory;
  /** Started again as examples/systemd/patchcast-agent.service starts it (SERVICE_NODE_OPTIONS). */
  readonly service: ProcMemory;
  /** `node -e 'setTimeout(() => {}, 1e9)'`, idle as long, read at the same time. */
  readonly nodeFloor: ProcMemory;
}

export async function idleAgentMemory(
  server: ServerProcess,
  dir: string,
  idleMs: number,
  agentExe?: string,
): Promise<IdleAgentMemory> {
  const { token } = await server.client.createEnrollToken();
  const data = join(dir, 'idle-agent');
  const enroll = ['--server', server.url, '--enroll', token, '--name', 'idle-agent'];
  const start = (args: readonly string[], env?: Readonly<Record<string, string>>) => () =>
    startAgent(data, args, env, agentExe);
  const [enrolled, nodeFloor] = await idleBesideFloor(start(enroll), idleMs);
  const [restarted] = await idleBesideFloor(start([]), idleMs);
  const service = { NODE_OPTIONS: SERVICE_NODE_OPTIONS };
  const [asService] = await idleBesideFloor(start([], service), idleMs);
  return { enrolled, restarted, service: asService, nodeFloor };
}

/** Starts the agent and a bare node together, waits for the agent's connection, idles, reads both. */
async function idleBesideFloor(
  start: () => ChildProcess,
  idleMs: number,
): Promise<[ProcMemory, ProcMemory]> {
  const floor = ownChild(
    spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1e9)'], { stdio: 'ignore' }),
  );
  const child = start();
  try {
    await waitForOutput(child, /agent: connected to /, 30_000, 'the idle agent');
    await sleep(idleMs);
    return [await procMemory(child.pid ?? -1), await procMemory(floor.pid ?? -1)];
  } finally {
    await stopProcess(child);
    await stopProcess(floor);
  }
}

/** `patchcast agent`, or the packaged executable's `patchcast-agent run` (`exe`). */
function startAgent(
  data: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  exe?: string,
): ChildProcess {
  const [file, argv] =
    exe === undefined
      ? [process.execPath, [PATCHCAST_BIN, 'agent', '--data', data, ...args]]
      : [exe, ['run', '--config', '/dev/null', '--supervisor', 'off', '--data', data, ...args]];
  return ownChild(
    spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }),
  );
}
