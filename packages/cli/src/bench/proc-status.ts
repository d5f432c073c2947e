/** Memory of a process as the kernel reports it in /proc/<pid>/status (Linux only). */
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core';

export interface ProcMemory {
  /** Resident set size now, KiB. */
  readonly rssKiB: number;
  /** Peak resident set size, KiB. */
  readonly hwmKiB: number;
}

export async function procMemory(pid: number): Promise<ProcMemory> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    throw new PatchcastError('INTERNAL', `cannot read /proc/${pid}/status`, {
      hint: 'memory figures need Linux and a running process',
      cause: error,
    });
  }
  return { rssKiB: field(text, 'VmRSS'), hwmKiB: field(text, 'VmHWM') };
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match === null ? Number.NaN : Number(match[1]);
}
