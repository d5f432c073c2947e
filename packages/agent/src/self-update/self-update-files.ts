/**
 * Where a self-update keeps its files: the new and the previous executable beside the running
 * one (same folder, so each swap is one atomic rename), the journal in the state folder.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core/base';
import { readJsonOptional, writeFileAtomic } from '../files.js';

export interface SelfUpdatePaths {
  readonly exe: string;
  readonly staged: string;
  readonly previous: string;
  readonly journal: string;
  /** The new version writes its health here once it is connected (the trial). */
  readonly trialOk: string;
}

export function selfUpdatePaths(exe: string, dataDir: string): SelfUpdatePaths {
  const beside = (suffix: string) => join(dirname(exe), `.${basename(exe)}.${suffix}`);
  return {
    exe,
    staged: beside('new'),
    previous: beside('previous'),
    journal: join(dataDir, 'self-update', 'journal.json'),
    trialOk: join(dataDir, 'self-update', 'trial-ok.json'),
  };
}

const journalSchema = z.strictObject({
  /** `swapped`: the new executable may be in place and is on trial; `committed`: it passed. */
  phase: z.enum(['swapped', 'committed']),
  rolloutId: z.string(),
  patch: z.strictObject({ name: z.string(), version: z.string() }),
  exe: z.string(),
  startedAt: z.string(),
});
export type SelfUpdateJournal = z.infer<typeof journalSchema>;

export async function readJournal(path: string): Promise<SelfUpdateJournal | undefined> {
  const json = await readJsonOptional(path).catch(() => null);
  if (json === undefined) return undefined;
  const parsed = journalSchema.safeParse(json);
  if (!parsed.success)
    throw new PatchcastError('CONFIG_INVALID', `${path} is not a self-update journal`, {
      hint: 'the agent executable may be half-updated: reinstall the patchcast-agent package, then delete the file',
    });
  return parsed.data;
}

export async function writeJournal(path: string, journal: SelfUpdateJournal): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(journal)}\n`);
}

export async function removeJournal(paths: SelfUpdatePaths): Promise<void> {
  await rm(paths.journal, { force: true });
  await rm(paths.trialOk, { force: true });
}
