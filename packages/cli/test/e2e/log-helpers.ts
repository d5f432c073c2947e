/** Shared steps of the transparency log end-to-end tests: restarts, database edits, the log's events. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseCheckpoint, parseEntryBundle, parseNote } from '@patchcast/core';
import { PatchcastClient, parseLogEntry, parsePatchRef } from '@patchcast/protocol';
import type { LogEvent, PatchRef, Rollout } from '@patchcast/protocol';
import { main } from '../../src/main.js';
import { eventually } from '../harness.js';
import type { CliResult, Harness, Proc } from '../harness.js';
import { writePatchSource } from '../patch-source.js';

/** Restarts the server on the same port and data folder (agents reconnect by themselves). */
export async function restartServer(
  h: Harness,
  proc: Proc,
  dataDir: string,
  extra: readonly string[] = [],
): Promise<Proc> {
  await proc.stop('SIGTERM');
  const port = new URL(h.server).port;
  const started = await h.start(
    ['server', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...extra],
    /listening on /,
  );
  return started.proc;
}

/** Changes the stopped server's database directly, as an attacker with disk access could. */
export function editDatabase(dataDir: string, edit: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'patchcast.db'));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

/**
 * Runs a `patchcast` command in this process (the same code as the binary, without the start-up
 * cost of a process); the long-running server and agents stay real processes.
 */
export async function cliInProcess(h: Harness, args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const env = { ...process.env, PATCHCAST_SERVER: h.server, PATCHCAST_TOKEN: h.token };
  const io = {
    out: (t: string) => (stdout += t),
    err: (t: string) => (stderr += t),
    env,
    isTty: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Publishes a patch source with the development targets key. */
export async function publishSource(h: Harness, dir: string, ref: PatchRef): Promise<void> {
  const key = join(h.dir, 'server/keys/targets.key');
  const args = ['publish', dir, '--name', ref.name, '--version', ref.version, '--key', key];
  const result = await cliInProcess(h, args);
  if (result.code !== 0) throw new Error(`publish failed: ${result.stderr}`);
}

/** Publishes a one-file patch. */
export async function publishFile(h: Harness, name: string, version: string): Promise<void> {
  const dir = join(h.dir, 'sources', `${name}-${version}`);
  await writePatchSource(dir, { [`etc/${name}`]: `${name} ${version}\n` });
  await publishSource(h, dir, { name, version });
}

/** Starts a rollout to every device over the API and waits until it is finished. */
export async function rollOut(h: Harness, ref: string): Promise<Rollout> {
  const client = new PatchcastClient({ server: h.server, token: h.token });
  const started = await client.createRollout({ patch: parsePatchRef(ref), devices: { all: true } });
  return eventually(async () => {
    const rollout = await client.rollout(started.id);
    return rollout.state === 'in-progress' ? undefined : rollout;
  }, `rollout of ${ref} to finish`);
}

/** Every event of the served log, read through its public tiles (C2SP tlog-tiles). */
export async function logEvents(server: string): Promise<LogEvent[]> {
  const client = new PatchcastClient({ server });
  const note = new TextDecoder().decode(await client.publicFile('/log/checkpoint'));
  const { size } = parseCheckpoint(parseNote(note).text);
  const events: LogEvent[] = [];
  for (let index = 0; index * 256 < size; index += 1) {
    const width = Math.min(256, size - index * 256);
    const path = `/log/tile/entries/${String(index).padStart(3, '0')}${width < 256 ? `.p/${width}` : ''}`;
    const bundle = (await client.publicFile(path)) ?? new Uint8Array();
    for (const entry of parseEntryBundle(bundle, width)) {
      const event = parseLogEntry(entry);
      if (event !== undefined) events.push(event);
    }
  }
  return events;
}

export function securityEvents(events: readonly LogEvent[], kind: string): LogEvent[] {
  return events.filter((e) => e.type === 'security-event' && e.kind === kind);
}

export async function agentFileExists(h: Harness, agent: string, name: string): Promise<boolean> {
  return readFile(join(h.agentDirs(agent).root, 'etc', name)).then(
    () => true,
    () => false,
  );
}
