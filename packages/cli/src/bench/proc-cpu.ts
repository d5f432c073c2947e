/** CPU time of a process as the kernel reports it in /proc/<pid>/stat (Linux only). */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    ticksPerSecond = Number(text) > 0 ? Number(text) : 100;
  }
  return ticksPerSecond;
}

/** User plus system CPU time of the process so far, in microseconds (clock-tick resolution). */
export async function procCpuMicros(pid: number): Promise<number> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    throw new PatchcastError('INTERNAL', `cannot read /proc/${pid}/stat`, {
      hint: 'CPU figures need Linux and a running process',
      cause: error,
    });
  }
  // Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / clockTicks();
}
