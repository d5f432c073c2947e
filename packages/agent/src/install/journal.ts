/** The write-ahead journal of one install transaction: written before the root is touched. */
import { open, readFile, rename } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core/base';
import { crashPoint } from './crash-point.js';
import { errnoOf, fsyncPath } from './fs-util.js';
import { isJournal } from './journal-guard.js';
import type { Journal, TxState } from './journal-model.js';
import type { TxLayout } from './tx-layout.js';

/** Replaces the journal atomically and durably (temp file, fsync, rename, fsync folder). */
export async function writeJournal(layout: TxLayout, journal: Journal): Promise<void> {
  const temp = `${layout.journal}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(journal, null, 1)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  crashPoint(`journal-${journal.state}-temp`);
  await rename(temp, layout.journal);
  await fsyncPath(layout.dir);
  crashPoint(`journal-${journal.state}`);
}

export async function setJournalState(layout: TxLayout, journal: Journal, state: TxState) {
  const next = { ...journal, state };
  await writeJournal(layout, next);
  return next;
}

/** The journal of a transaction folder, or undefined when it was never written. */
export async function readJournal(layout: TxLayout): Promise<Journal | undefined> {
  let text: string;
  try {
    text = await readFile(layout.journal, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  const journal = parseJournal(text);
  if (journal === undefined || journal.txid !== layout.txid) {
    throw new PatchcastError('INSTALL_FAILED', `install journal ${layout.journal} is corrupt`, {
      hint: `inspect ${layout.dir} by hand: backup/ holds the files the install replaced`,
    });
  }
  return journal;
}

function parseJournal(text: string): Journal | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJournal(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
