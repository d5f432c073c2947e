/** What `patchcast root` prints about a draft: its roles and how far it is from publishable. */
import { PQ_ROLE_FIELD, TOP_LEVEL_ROLES, rootSignatureStatus } from '@patchcast/core';
import type { Root, Signature, ThresholdCount } from '@patchcast/core';
import type { Invocation } from '../command.js';
import { boolFlag } from '../args.js';
import { printJson } from '../context.js';

export interface DraftView {
  readonly file: string;
  readonly previous: Root;
  readonly root: Root;
  /** The canonical bytes of the draft's `signed` object as read (what signatures cover). */
  readonly signedBytes: Uint8Array;
  readonly signatures: readonly Signature[];
}

function describeRoles(root: Root) {
  return Object.fromEntries(
    TOP_LEVEL_ROLES.map((role) => {
      const keys = root.roles[role];
      const pq = keys[PQ_ROLE_FIELD];
      return [role, { keyids: keys.keyids, threshold: keys.threshold, ...(pq ? { pq } : {}) }];
    }),
  );
}

export function draftStatus(view: DraftView) {
  const status = rootSignatureStatus(view.previous, {
    signed: view.root,
    signedBytes: view.signedBytes,
    signatures: view.signatures,
  });
  const met = (c: ThresholdCount) => c.valid >= c.threshold && c.pqValid >= c.pqThreshold;
  return { ...status, ready: met(status.byPrevious) && met(status.byItself) };
}

export function describeDraft(invocation: Invocation, view: DraftView): void {
  const status = draftStatus(view);
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, {
      file: view.file,
      version: view.root.version,
      previousVersion: view.previous.version,
      expires: view.root.expires,
      roles: describeRoles(view.root),
      signatures: view.signatures.map((s) => s.keyid),
      status,
    });
    return;
  }
  const line = (c: ThresholdCount) =>
    `${c.valid}/${c.threshold} Ed25519${c.pqThreshold > 0 ? `, ${c.pqValid}/${c.pqThreshold} ML-DSA-65` : ''}`;
  const roles = TOP_LEVEL_ROLES.map((role) => {
    const keys = view.root.roles[role];
    return `  ${role.padEnd(9)} ${keys.keyids.length} key(s), threshold ${keys.threshold}\n`;
  }).join('');
  invocation.io.out(
    `${view.file}: root v${view.root.version} (replaces v${view.previous.version}), expires ${view.root.expires}\n${roles}` +
      `signatures: ${line(status.byPrevious)} of root v${view.previous.version}'s root keys; ` +
      `${line(status.byItself)} of its own\n${status.ready ? 'ready to publish: patchcast root publish' : 'more key holders must sign: patchcast root sign'} ${view.file}\n`,
  );
}
