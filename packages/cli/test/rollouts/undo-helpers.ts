/**
 * Shared steps of the rollback-order tests (ADR 0015): patch versions whose files tell them
 * apart, each device's managed root as a list, and the three records of what is installed that
 * must agree with it: the server's record, the agent's state and the agent's inventory.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastClient } from '@patchcast/protocol';
import type { Device, Rollout, RolloutProgress } from '@patchcast/protocol';
import { eventually } from '../harness.js';
import type { CliResult, Harness } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { cliInProcess, publishSource } from '../e2e/log-helpers.js';

/** Every path under `dir` with its type, mode and (for files) the SHA-256 of its bytes. */
export async function treeOf(dir: string, prefix = ''): Promise<string[]> {
  const names = await readdir(join(dir, prefix)).catch(() => []);
  const out: string[] = [];
  for (const name of names.sort()) {
    const path = join(prefix, name);
    const stats = await lstat(join(dir, path));
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isDirectory()) out.push(...(await treeOf(dir, path)));
    else {
      const digest = createHash('sha256')
        .update(await readFile(join(dir, path)))
        .digest('hex')
        .slice(0, 12);
      out.push(`${path} ${mode} ${digest}`);
    }
  }
  return out;
}

/**
 * Publishes `name@version`: a file every version writes (`etc/<name>/version`) and one only this
 * version writes (`etc/<name>/only-<version>`), so that a mix of versions shows on disk.
 */
export async function publishVersion(h: Harness, name: string, version: string): Promise<void> {
  const dir = join(h.dir, 'sources', `${name}-${version}`);
  await writePatchSource(dir, {
    [`etc/${name}/version`]: `${version}\n`,
    [`etc/${name}/only-${version}`]: `written by ${version}\n`,
  });
  await publishSource(h, dir, { name, version });
}

export function cli(h: Harness, ...args: string[]): Promise<CliResult> {
  return cliInProcess(h, args);
}

export async function cliJson<T>(h: Harness, ...args: string[]): Promise<T> {
  const result = await cli(h, ...args, '--json');
  if (result.code !== 0)
    throw new Error(`patchcast ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Starts a rollout; returns its id. */
export async function startRollout(h: Harness, ref: string, ...flags: string[]): Promise<string> {
  return (await cliJson<{ id: string }>(h, 'rollout', 'start', ref, ...flags)).id;
}

/** The engine's view of a rollout once it is no longer in progress. */
export async function finished(h: Harness, id: string, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const progress = await cliJson<RolloutProgress>(h, 'rollout', 'status', id);
      return progress.state === 'in-progress' ? undefined : progress;
    },
    `rollout ${id} to finish`,
    timeoutMs,
  );
}

/** The engine's view of any rollout, plain ones too (GET /api/v1/rollouts/:id/progress). */
export function progressOf(h: Harness, id: string): Promise<RolloutProgress> {
  return new PatchcastClient({ server: h.server, token: h.token }).rolloutProgress(id);
}

/** The plain view of a rollout (`rollout status` of one started with --devices). */
export function plainStatus(h: Harness, id: string): Promise<Rollout> {
  return cliJson<Rollout>(h, 'rollout', 'status', id);
}

/** Each device's installed versions of `name` in three records: server, agent state, inventory. */
export interface InstallRecords {
  readonly server: string | null;
  readonly agent: string | null;
  readonly inventory: string | null;
}

export async function installRecords(
  h: Harness,
  device: string,
  name: string,
): Promise<InstallRecords> {
  const { devices } = await cliJson<{ devices: Device[] }>(h, 'devices');
  const d = devices.find((x) => x.name === device);
  const text = await readFile(join(h.agentDirs(device).data, 'state.json'), 'utf8').catch(
    () => '{"installed":[]}', // nothing recorded yet
  );
  const state = JSON.parse(text) as { installed: { name: string; version: string }[] };
  const version = (list: readonly { name: string; version: string }[] | undefined) =>
    list?.find((p) => p.name === name)?.version ?? null;
  return {
    server: version(d?.recorded),
    agent: version(state.installed),
    inventory: version(d?.inventory.installed),
  };
}

/** Waits until the server, the agent and its inventory all say `version` (null: none). */
export function recordsSay(h: Harness, device: string, name: string, version: string | null) {
  return eventually(
    async () => {
      const records = await installRecords(h, device, name);
      const agree = Object.values(records).every((v) => v === version);
      return agree ? records : undefined;
    },
    `${device}: ${name} recorded as ${version ?? 'none'} everywhere`,
  );
}
