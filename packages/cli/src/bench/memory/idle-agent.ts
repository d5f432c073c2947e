/** A real `patchcast agent` process, enrolled and connected, left idle; then its memory is read. */
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
): Promise<ProcMemory> {
  const { token } = await server.client.createEnrollToken();
  const child = startAgent(server.url, token, join(dir, 'idle-agent'));
  try {
    await waitForOutput(child, /agent: connected to /, 30_000, 'the idle agent');
    await sleep(idleMs);
    return await procMemory(child.pid ?? -1);
  } finally {
    await stopProcess(child);
  }
}

function startAgent(server: string, token: string, data: string): ChildProcess {
  const args = ['agent', '--data', data, '--server', server, '--enroll', token];
  return ownChild(
    spawn(process.execPath, [PATCHCAST_BIN, ...args, '--name', 'idle-agent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}
