/** Finishes or undoes whatever a crash left in `<stateDir>/tx/`, using only journal and disk. */
import { readdir } from 'node:fs/promises';
import { discardTransaction } from './cleanup.js';
import { errnoOf } from './fs-util.js';
import { readJournal, setJournalState } from './journal.js';
import { rollBack } from './rollback.js';
import { txLayout, txRoot } from './tx-layout.js';
import type { RecoveryResult } from './types.js';

const TXID = /^[0-9a-z]+-[0-9a-f]{8}$/;

/** Caller holds the install lock; `root` and `stateDir` are real paths. */
export async function recoverAll(root: string, stateDir: string): Promise<RecoveryResult> {
  let rolledBack = 0;
  let committed = 0;
  for (const txid of await pendingTransactions(stateDir)) {
    const result = await recoverOne(root, stateDir, txid);
    if (result === 'rolled-back') rolledBack++;
    if (result === 'committed') committed++;
  }
  const recovered = rolledBack + committed;
  const action = rolledBack > 0 ? 'rolled-back' : committed > 0 ? 'committed' : 'none';
  return { recovered, action };
}

async function recoverOne(root: string, stateDir: string, txid: string) {
  const layout = txLayout(stateDir, txid);
  const journal = await readJournal(layout);
  if (journal !== undefined && journal.root !== root) return 'skipped';
  if (journal?.state === 'committed') {
    await discardTransaction(layout, stateDir);
    return 'committed';
  }
  if (journal !== undefined) {
    const rollingBack = await setJournalState(layout, journal, 'rolling-back');
    await rollBack(rollingBack, layout);
  }
  await discardTransaction(layout, stateDir);
  return 'rolled-back';
}

async function pendingTransactions(stateDir: string): Promise<string[]> {
  try {
    const entries = await readdir(txRoot(stateDir), { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && TXID.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw error;
  }
}
