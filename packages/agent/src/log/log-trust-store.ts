/**
 * What the agent trusts about the log, in `<agent data>/log/`: `key`, the pinned verifier key
 * (C2SP signed-note), and `checkpoint`, the newest checkpoint it verified (C2SP tlog-checkpoint).
 */
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { parseVerifierKey } from '@patchcast/core/tlog';
import type { LogIdentity } from '@patchcast/core/tlog';
import { readOptional, writeFileAtomic } from '../files.js';

export function logKeyFile(dataDir: string): string {
  return join(dataDir, 'log', 'key');
}

export function logCheckpointFile(dataDir: string): string {
  return join(dataDir, 'log', 'checkpoint');
}

/** The log identity of a verifier key: Patchcast logs are named after their origin. */
export function identityOfKey(verifierKey: string, source: string): LogIdentity {
  try {
    const verifier = parseVerifierKey(verifierKey.trim());
    return { origin: verifier.name, verifiers: [verifier] };
  } catch (error) {
    throw new PatchcastError('CONFIG_INVALID', `${source} is not a log verifier key`, {
      hint: 'use the key of `patchcast status --json` (log.key): <origin>+<8 hex>+<base64>',
      cause: error,
    });
  }
}

/** The key transitions the agent followed from its pinned key (ADR 0028), as the server served them. */
export function logTransitionsFile(dataDir: string): string {
  return join(dataDir, 'log', 'key-transitions');
}

export async function saveTransitions(dataDir: string, notes: readonly string[]): Promise<void> {
  await writeFileAtomic(logTransitionsFile(dataDir), JSON.stringify(notes), 0o644);
}

export async function readTransitions(dataDir: string): Promise<string[]> {
  const text = await readText(logTransitionsFile(dataDir));
  if (text === undefined) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((n) => typeof n === 'string')) {
    throw new PatchcastError(
      'CONFIG_INVALID',
      `${logTransitionsFile(dataDir)} is not a list of notes`,
    );
  }
  return parsed;
}

export async function readText(path: string): Promise<string | undefined> {
  const bytes = await readOptional(path);
  return bytes === null ? undefined : new TextDecoder().decode(bytes);
}

export async function saveLogKey(dataDir: string, verifierKey: string): Promise<void> {
  await writeFileAtomic(logKeyFile(dataDir), `${verifierKey.trim()}\n`, 0o644);
}

export async function saveCheckpoint(dataDir: string, note: string): Promise<void> {
  await writeFileAtomic(logCheckpointFile(dataDir), note, 0o644);
}
