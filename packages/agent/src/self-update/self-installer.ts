/**
 * The agent's own installer (ADR 0036), in the Installer port's shape: `install` stages the new
 * executable beside the running one, keeps the running one as `previous`, swaps them by one
 * rename, and puts the new one on trial; it commits when the new version reconnected within the
 * deadline and otherwise renames `previous` back. `recover` undoes a swap a crash left on trial.
 * Either way the caller then restarts the agent (systemd or the supervisor starts the file in
 * place), so the process that runs is the executable on disk.
 */
import { randomUUID } from 'node:crypto';
import { chmod, copyFile, link, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { AGENT_EXE_FILE } from '@patchcast/protocol/agent';
import type { ParsedBundle, PatchRef } from '@patchcast/protocol';
import type { InstallOutcome } from '../install/types.js';
import { readJournal, removeJournal, selfUpdatePaths, writeJournal } from './self-update-files.js';
import type { SelfUpdateJournal, SelfUpdatePaths } from './self-update-files.js';
import { runTrial } from './trial.js';

export const DEFAULT_TRIAL_DEADLINE_MS = 60_000;

/** How the running agent can replace itself; given only by the packaged `patchcast-agent run`. */
export interface SelfUpdateConfig {
  /** The running executable (process.execPath of the single executable). */
  readonly exePath: string;
  /** Its command-line arguments, to start the new version the same way. */
  readonly args: readonly string[];
  readonly deadlineMs?: number | undefined;
}

export interface SelfInstallRequest {
  readonly bundle: ParsedBundle;
  readonly rolloutId: string;
  readonly patch: PatchRef;
  readonly dataDir: string;
  readonly config: SelfUpdateConfig | undefined;
  /** Closes this agent's channel so the new version can connect as the same device. */
  readonly disconnect: () => Promise<void>;
  readonly log: (line: string) => void;
}

export async function installSelf(request: SelfInstallRequest): Promise<InstallOutcome> {
  const config = request.config;
  if (config === undefined) {
    throw new PatchcastError('SELF_UPDATE_UNSUPPORTED', 'this agent cannot replace itself', {
      hint: 'only the packaged agent (`patchcast-agent run`) updates itself; update an npm install with npm',
    });
  }
  const paths = selfUpdatePaths(config.exePath, request.dataDir);
  const t0 = Date.now();
  await stage(request.bundle, paths);
  await keepPrevious(paths);
  await writeJournal(paths.journal, journalOf(request, 'swapped'));
  await rename(paths.staged, paths.exe);
  await syncDir(dirname(paths.exe));
  const t1 = Date.now();
  request.log(`${request.patch.version}: new agent in place, on trial`);
  await request.disconnect();
  const trial = await runTrial({
    exe: paths.exe,
    args: config.args,
    okFile: paths.trialOk,
    deadlineMs: config.deadlineMs ?? DEFAULT_TRIAL_DEADLINE_MS,
    log: request.log,
  });
  const timings = {
    stageMs: t1 - t0,
    applyMs: 0,
    healthMs: Date.now() - t1,
    totalMs: Date.now() - t0,
  };
  if (trial.ok && trial.version === request.patch.version) {
    await writeJournal(paths.journal, journalOf(request, 'committed'));
    await finish(paths);
    return { status: 'installed', timings };
  }
  await restorePrevious(paths);
  const reason = trial.ok
    ? `the new agent reports version ${trial.version}, not ${request.patch.version}`
    : trial.reason;
  return {
    status: 'rolled-back',
    error: { code: 'SELF_UPDATE_UNHEALTHY', message: `${reason}; the previous agent was restored` },
    timings,
  };
}

/**
 * After a crash: a swap still on trial is undone (its journal is returned, to report the
 * rollout rolled back); a committed one is cleaned up. Then the caller restarts the agent.
 */
export async function recoverSelf(
  exePath: string,
  dataDir: string,
): Promise<SelfUpdateJournal | undefined> {
  const paths = selfUpdatePaths(exePath, dataDir);
  const journal = await readJournal(paths.journal);
  if (journal === undefined) return undefined;
  if (journal.phase === 'committed') {
    await finish(paths);
    return undefined;
  }
  await restorePrevious(paths);
  return journal;
}

async function stage(bundle: ParsedBundle, paths: SelfUpdatePaths): Promise<void> {
  const entry = bundle.manifest.files.find((f) => f.path === AGENT_EXE_FILE);
  if (entry === undefined) throw new Error('an agent update without its executable'); // refused by the bundle rules
  await rm(paths.staged, { force: true });
  const handle = await open(paths.staged, 'wx', 0o700);
  try {
    await handle.writeFile(bundle.blob(entry.sha256));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(paths.staged, 0o755);
}

/** `previous` is the running executable: a hard link where possible, else a copy. */
async function keepPrevious(paths: SelfUpdatePaths): Promise<void> {
  await rm(paths.previous, { force: true });
  await link(paths.exe, paths.previous).catch(async () => {
    const temp = `${paths.previous}.${randomUUID()}`;
    await copyFile(paths.exe, temp);
    await rename(temp, paths.previous);
  });
}

async function restorePrevious(paths: SelfUpdatePaths): Promise<void> {
  await rm(paths.staged, { force: true });
  await rename(paths.previous, paths.exe).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error; // restored already (a crash after the rename)
  });
  await syncDir(dirname(paths.exe));
  await removeJournal(paths);
}

async function finish(paths: SelfUpdatePaths): Promise<void> {
  await rm(paths.previous, { force: true });
  await rm(paths.staged, { force: true });
  await removeJournal(paths);
}

function journalOf(request: SelfInstallRequest, phase: SelfUpdateJournal['phase']) {
  const { rolloutId, patch } = request;
  const exe = request.config?.exePath ?? '';
  return { phase, rolloutId, patch: { ...patch }, exe, startedAt: new Date().toISOString() };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
