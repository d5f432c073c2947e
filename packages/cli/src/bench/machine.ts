/** A description of the machine a benchmark ran on, stored next to every result. */
import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { readFile } from 'node:fs/promises';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly kernel: string;
  readonly openFilesLimit: number | null;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews results. */
  readonly loadAverage: readonly number[];
}

export async function describeMachine(): Promise<Machine> {
  const models = [...new Set(cpus().map((cpu) => cpu.model.trim()))];
  return {
    cpuModel: models.join(', ') || 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: await osName(),
    kernel: `${osType()} ${release()}`,
    openFilesLimit: await openFilesLimit(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? osType();
}

async function openFilesLimit(): Promise<number | null> {
  const text = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const match = /^Max open files\s+(\d+)/m.exec(text);
  return match === null ? null : Number(match[1]);
}

export function machineLine(m: Machine): string {
  const load = m.loadAverage.join(' ');
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, ${m.kernel}, Node ${m.node}; load average at start ${load}`;
}

/** A warning when other work already keeps the machine busy, or undefined. */
export function busyWarning(m: Machine): string | undefined {
  const [oneMinute = 0] = m.loadAverage;
  return oneMinute > m.cores / 2
    ? `warning: load average ${oneMinute} on ${m.cores} cores: other work will skew the figures`
    : undefined;
}
