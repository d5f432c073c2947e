/**
 * What a monitor remembers across restarts, in `<state>/monitor.json` (written aside, synced,
 * renamed): the log key it trusts, the key transitions it followed from it, the last checkpoint it
 * verified, and the compact range of that tree (the hashes of its perfect subtrees, at most 64),
 * which is all it needs to check that the next checkpoint's entries extend it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CompactRange, PatchcastError } from '@patchcast/core';
import { writeFileAtomic } from '../bundle/index.js';

export const MONITOR_STATE_FORMAT = 'patchcast-monitor/v1';

export interface MonitorState {
  /** The verifier key pinned at the first run (`--log-key`, else the server's on first use). */
  readonly logKey: string;
  /** Key transition checkpoints followed from `logKey`, smallest first (ADR 0028). */
  readonly transitions: readonly string[];
  /** The last verified checkpoint note, or undefined before the first pass. */
  readonly checkpoint: string | undefined;
  /** The compact range of the verified tree [0, size). */
  readonly tree: CompactRange;
}

interface StateFile {
  format: string;
  logKey: string;
  transitions: string[];
  checkpoint: string | null;
  size: number;
  compactRange: string[];
}

export function stateFile(dir: string): string {
  return join(dir, 'monitor.json');
}

export async function loadState(dir: string): Promise<MonitorState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const file = JSON.parse(text) as StateFile;
    if (file.format !== MONITOR_STATE_FORMAT)
      throw new Error(`format is not ${MONITOR_STATE_FORMAT}`);
    const hashes = file.compactRange.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
    return {
      logKey: file.logKey,
      transitions: file.transitions,
      checkpoint: file.checkpoint ?? undefined,
      tree: CompactRange.fromHashes(file.size, hashes),
    };
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `${stateFile(dir)} is not a monitor state file`, {
      hint: 'restore it from a backup; starting over (a new folder) trusts the log anew',
      cause: error,
    });
  }
}

export async function saveState(dir: string, state: MonitorState): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file: StateFile = {
    format: MONITOR_STATE_FORMAT,
    logKey: state.logKey,
    transitions: [...state.transitions],
    checkpoint: state.checkpoint ?? null,
    size: state.tree.size,
    compactRange: state.tree.hashes.map((h) => Buffer.from(h).toString('base64')),
  };
  const bytes = new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
  await writeFileAtomic(stateFile(dir), bytes, 0o600);
}
