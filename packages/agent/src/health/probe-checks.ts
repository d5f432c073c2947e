/** One attempt of each probe kind: undefined when it passed, else why it did not. */
import { open, realpath } from 'node:fs/promises';
import type { BundleProbe } from '@patchcast/protocol';
import { isInside, underRoot } from '../install/paths.js';
import { runCommand } from '../install/run-command.js';

export interface ProbeContext {
  readonly root: string;
  readonly env: Readonly<Record<string, string>>;
}

const MAX_FILE_BYTES = 16 * 1024 * 1024;

export function attemptProbe(
  probe: BundleProbe,
  context: ProbeContext,
): Promise<string | undefined> {
  switch (probe.kind) {
    case 'http':
      return httpProbe(probe);
    case 'process':
      return processProbe(probe, context);
    case 'file':
      return fileProbe(probe, context);
  }
}

async function httpProbe(
  probe: Extract<BundleProbe, { kind: 'http' }>,
): Promise<string | undefined> {
  const expected = probe.status ?? 200;
  const timeoutMs = probe.timeoutMs;
  try {
    const response = await fetch(probe.url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status === expected
      ? undefined
      : `GET ${probe.url} answered HTTP ${response.status}, expected ${expected}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (error as Error).name === 'TimeoutError';
    const reason = timedOut
      ? `no answer in ${timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? String(error));
    return `GET ${probe.url} failed: ${reason}`;
  }
}

async function processProbe(
  probe: Extract<BundleProbe, { kind: 'process' }>,
  context: ProbeContext,
): Promise<string | undefined> {
  const expected = probe.exitCode ?? 0;
  const result = await runCommand(probe.command, {
    cwd: context.root,
    env: context.env,
    timeoutMs: probe.timeoutMs,
    maxOutputBytes: 4096,
  });
  if (result.spawnError !== undefined)
    return `${probe.command[0] ?? ''} could not start: ${result.spawnError}`;
  if (result.timedOut) return `${probe.command[0] ?? ''} timed out`;
  if (result.exitCode === expected) return undefined;
  const last = result.output.trimEnd().split('\n').at(-1)?.slice(0, 200) ?? '';
  return `${probe.command[0] ?? ''} exited with ${result.exitCode ?? result.signal ?? 'unknown'}, expected ${expected}${last === '' ? '' : `: ${last}`}`;
}

/** The file must exist inside the root (a link may not lead out of it) and hold `contains`. */
async function fileProbe(
  probe: Extract<BundleProbe, { kind: 'file' }>,
  context: ProbeContext,
): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(underRoot(context.root, probe.path));
  } catch {
    return `${probe.path} does not exist`;
  }
  if (!isInside(context.root, real)) return `${probe.path} leads outside the managed root`;
  if (probe.contains === undefined) return undefined;
  const handle = await open(real, 'r').catch(() => undefined);
  if (handle === undefined) return `${probe.path} cannot be read`;
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_FILE_BYTES, 0);
    return buffer.subarray(0, bytesRead).includes(probe.contains)
      ? undefined
      : `${probe.path} does not contain ${JSON.stringify(probe.contains.slice(0, 80))}`;
  } catch (error) {
    return `${probe.path} cannot be read: ${String(error)}`;
  } finally {
    await handle.close();
  }
}
