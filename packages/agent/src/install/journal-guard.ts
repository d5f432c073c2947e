/** Hand-written guards for the journal read back from disk (it may have been damaged). */
import { validateRelativePath } from '@patchcast/protocol/agent';
import { JOURNAL_FORMAT, TX_STATES } from './journal-model.js';
import type { Journal } from './journal-model.js';

type Fields = Readonly<Record<string, unknown>>;

export function isJournal(value: unknown): value is Journal {
  return (
    isRecord(value) &&
    value.format === JOURNAL_FORMAT &&
    typeof value.txid === 'string' &&
    typeof value.root === 'string' &&
    isRecord(value.patch) &&
    typeof value.patch.name === 'string' &&
    typeof value.patch.version === 'string' &&
    (TX_STATES as readonly unknown[]).includes(value.state) &&
    Array.isArray(value.createdDirs) &&
    value.createdDirs.every(isSafePath) &&
    Array.isArray(value.actions) &&
    value.actions.every((action, i) => isAction(action, i))
  );
}

function isAction(value: unknown, index: number): boolean {
  if (!isRecord(value) || !isSafePath(value.path)) return false;
  switch (value.kind) {
    case 'create':
      return hasContent(value, index);
    case 'replace':
      return hasContent(value, index) && hasBackup(value, index);
    case 'remove':
      return hasBackup(value, index);
    default:
      return false;
  }
}

function hasContent(action: Fields, index: number): boolean {
  const file =
    isMode(action.mode) && typeof action.sha256 === 'string' && Number.isSafeInteger(action.size);
  const link = typeof action.link === 'string' && action.link !== '';
  return (
    file !== link &&
    action.stage === `stage/${index}` &&
    isRecord(action.staged) &&
    typeof action.staged.dev === 'string' &&
    typeof action.staged.ino === 'string'
  );
}

function hasBackup(action: Fields, index: number): boolean {
  const original = action.original;
  return (
    action.backup === `backup/${index}` &&
    isRecord(original) &&
    (original.type === undefined || original.type === 'symlink') &&
    isMode(original.mode) &&
    Number.isSafeInteger(original.uid) &&
    Number.isSafeInteger(original.gid)
  );
}

function isMode(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0o7777;
}

function isSafePath(value: unknown): boolean {
  try {
    return typeof value === 'string' && validateRelativePath(value) === value;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
