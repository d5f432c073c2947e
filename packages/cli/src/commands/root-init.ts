/** `patchcast root init`: draft root N+1 from root N, replacing the keys of the roles given. */
import { readFile } from 'node:fs/promises';
import { PatchcastError, TOP_LEVEL_ROLES, canonicalBytes, draftNextRoot } from '@patchcast/core';
import type { RoleKeySet, RoleName, TufKey } from '@patchcast/core';
import { readPublicKeyFile } from '@patchcast/protocol';
import type { Invocation } from '../command.js';
import { listFlag, parseDuration, requiredFlag, stringFlag } from '../args.js';
import { clientFor } from '../context.js';
import { rootDraftText, rootEnvelopeOf, writeRootDraft } from './root-draft.js';
import { describeDraft } from './root-report.js';

/** The flags naming a role's new keys and threshold: `--key`/`--threshold` are root's own. */
export const ROLE_FLAGS: Readonly<Record<RoleName, { keys: string; threshold: string }>> = {
  root: { keys: 'key', threshold: 'threshold' },
  targets: { keys: 'targets-key', threshold: 'targets-threshold' },
  snapshot: { keys: 'snapshot-key', threshold: 'snapshot-threshold' },
  timestamp: { keys: 'timestamp-key', threshold: 'timestamp-threshold' },
};

export async function rootInit(invocation: Invocation): Promise<number> {
  const out = requiredFlag(invocation, 'out', 'e.g. --out root-v2.draft.json');
  const expires = new Date(
    Date.now() + parseDuration(stringFlag(invocation, 'expires') ?? '365d') * 1000,
  );
  const previousBytes = await previousRoot(invocation);
  const previous = rootEnvelopeOf(previousBytes, 'the current root');
  const changes: Partial<Record<RoleName, RoleKeySet>> = {};
  for (const role of TOP_LEVEL_ROLES) {
    const change = await roleChange(invocation, role);
    if (change !== undefined) changes[role] = change;
  }
  const root = draftNextRoot(previous.signed, changes, expires);
  const previousRaw = JSON.parse(new TextDecoder().decode(previousBytes)) as {
    signed: unknown;
  };
  const text = rootDraftText(
    { signed: previousRaw.signed, signatures: previous.signatures },
    { signed: root, signatures: [] },
  );
  await writeRootDraft(out, text, { create: true });
  describeDraft(invocation, {
    file: out,
    previous: previous.signed,
    root,
    signedBytes: canonicalBytes(root),
    signatures: [],
  });
  return 0;
}

/** Root N: from --from FILE, else the newest root of the server (--server, --token). */
async function previousRoot(invocation: Invocation): Promise<Uint8Array> {
  const from = stringFlag(invocation, 'from');
  if (from !== undefined) {
    try {
      return new Uint8Array(await readFile(from));
    } catch (error) {
      throw new PatchcastError(
        'ROOT_DRAFT_INVALID',
        `cannot read ${from}: ${(error as Error).message}`,
      );
    }
  }
  const client = clientFor(invocation);
  const { repository } = await client.status();
  const bytes = await client.publicFile(`/tuf/metadata/${repository.root}.root.json`);
  if (bytes === undefined)
    throw new PatchcastError('SERVER_ERROR', `the server has no ${repository.root}.root.json`);
  return bytes;
}

async function roleChange(invocation: Invocation, role: RoleName): Promise<RoleKeySet | undefined> {
  const flags = ROLE_FLAGS[role];
  const files = listFlag(invocation, flags.keys);
  const thresholdText = stringFlag(invocation, flags.threshold);
  const pqText = role === 'root' ? stringFlag(invocation, 'pq-threshold') : undefined;
  if (files.length === 0) {
    if (thresholdText !== undefined || pqText !== undefined)
      throw new PatchcastError(
        'USAGE',
        `--${flags.threshold} needs the role's keys (--${flags.keys} FILE.pub)`,
      );
    return undefined;
  }
  const keys: TufKey[] = [];
  for (const file of files) keys.push(...(await readPublicKeyFile(file)));
  const threshold = count(thresholdText ?? '1', flags.threshold);
  return {
    keys,
    threshold,
    ...(pqText === undefined ? {} : { pqThreshold: count(pqText, 'pq-threshold') }),
  };
}

function count(text: string, flag: string): number {
  const n = Number(text);
  if (!/^[1-9]\d{0,3}$/.test(text) || !Number.isSafeInteger(n))
    throw new PatchcastError('USAGE', `--${flag} must be a whole number >= 1, not "${text}"`);
  return n;
}
