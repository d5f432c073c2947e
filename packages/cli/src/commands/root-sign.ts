/** `patchcast root sign DRAFT --key FILE`: one key holder signs root N+1, offline. */
import { PatchcastError, signRootDraft } from '@patchcast/core';
import { readKeyFile } from '@patchcast/protocol';
import type { Invocation } from '../command.js';
import { listFlag, stringFlag } from '../args.js';
import { keyPassphrase } from './targets-key.js';
import { readRootDraft, rootDraftText, writeRootDraft } from './root-draft.js';
import { describeDraft } from './root-report.js';

export async function rootSign(invocation: Invocation): Promise<number> {
  const file = draftArgument(invocation);
  const keyFile = oneFile(invocation, 'key', 'e.g. --key root-alice.key');
  const draft = await readRootDraft(file);
  const passphrase = keyPassphrase(invocation.io.env, stringFlag(invocation, 'passphrase-env'));
  const { signers } = await readKeyFile(keyFile, { passphrase });
  const added = signRootDraft(draft.previous.signed, draft.root, signers);
  const signatures = [...draft.root.signatures, ...added];
  await writeRootDraft(file, rootDraftText(draft.raw.previous, { ...draft.raw.root, signatures }));
  describeDraft(invocation, {
    file,
    previous: draft.previous.signed,
    root: draft.root.signed,
    signedBytes: draft.root.signedBytes,
    signatures,
  });
  return 0;
}

/** A flag that init repeats but sign and publish take once. */
export function oneFile(invocation: Invocation, flag: string, hint: string): string {
  const files = listFlag(invocation, flag);
  if (files.length !== 1 || files[0] === '')
    throw new PatchcastError('USAGE', `--${flag} takes exactly one private key file here`, {
      hint,
    });
  return files[0] ?? '';
}

export function draftArgument(invocation: Invocation): string {
  const file = invocation.positionals[1];
  if (file === undefined)
    throw new PatchcastError(
      'USAGE',
      `root ${invocation.positionals[0] ?? ''} needs the DRAFT file`,
    );
  return file;
}
