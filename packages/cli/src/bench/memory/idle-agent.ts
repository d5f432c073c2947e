/** A real `patchcast agent` (or packaged `patchcast-agent run`) process, enrolled and connected, left idle; then its memory is read. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PATCHCAST_BIN, ownChild, stopProcess, waitForOutput } from '../child-process.js';
import { sleep } from '../clock.js';
import { procMemory } from '../proc-status.js';
import type { ProcMemory } from '../proc-status.js';
import type { ServerProcess } from '../server-process.js';

export async function idleAgentMemory(
  server: ServerProcess,
  dir: string,
  idleMs: number,
  agentExe?: string,
): Promise<ProcMemory> {
  const { token } = await server.client.createEnrollToken();
  const child = startAgent(server.url, token, join(dir, 'idle-agent'), agentExe);
  try {
    await waitForOutput(child, /agent: connected to /, 30_000, 'the idle agent');
    await sleep(idleMs);
    return await procMemory(child.pid ?? -1);
  } finally {
    await stopProcess(child);
  }
}

/** `patchcast agent`, or the packaged executable's `patchcast-agent run` (`--agent-exe`). */
function startAgent(server: string, token: string, data: string, exe?: string): ChildProcess {
  const args = ['--data', data, '--server', server, '--enroll', token, '--name', 'idle-agent'];
  const [file, argv] =
    exe === undefined
      ? [process.execPath, [PATCHCAST_BIN, 'agent', ...args]]
      : [exe, ['run', '--config', '/dev/null', '--supervisor', 'off', ...args]];
  return ownChild(spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
}
