/**
 * Withdrawing a published version (ADR 0017): the publisher re-signs its role's targets metadata
 * with `custom.patchcast.withdrawn: {reason, at}` on the target, here, with its own key. The
 * server admits that change only (same bytes, never undone) and logs a patch-withdrawn entry.
 */
import { PatchcastError } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import {
  MAX_WITHDRAW_REASON,
  formatPatchRef,
  targetPathOf,
  withWithdrawal,
  withdrawalOf,
} from '@patchcast/protocol';
import type { PatchRef, RepositoryVersions, Withdrawal } from '@patchcast/protocol';
import { updateTargets } from './publishing.js';
import type { SigningRequest } from './publishing.js';

export interface WithdrawRequest extends SigningRequest {
  readonly ref: PatchRef;
  readonly reason: string;
}

export interface WithdrawResult {
  readonly name: string;
  readonly version: string;
  readonly targetPath: string;
  readonly role: string | null;
  readonly withdrawn: Withdrawal;
  /** It was withdrawn before: nothing was signed. */
  readonly alreadyWithdrawn: boolean;
  readonly repository: RepositoryVersions | undefined;
}

export async function withdrawPatch(request: WithdrawRequest): Promise<WithdrawResult> {
  const { ref, reason } = request;
  if (reason.trim() === '' || reason.length > MAX_WITHDRAW_REASON)
    throw new PatchcastError('USAGE', `--reason must be 1 to ${MAX_WITHDRAW_REASON} characters`, {
      hint: 'say why, e.g. --reason "breaks TLS 1.2 clients"',
    });
  const targetPath = targetPathOf(ref);
  const base = { ...ref, targetPath, role: request.role ?? null };
  const at = (request.now ?? (() => new Date()))()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  return updateTargets<WithdrawResult>(request, (targets) => {
    const info = targets[targetPath] as TargetFile | undefined;
    if (info === undefined) throw notPublished(ref, request.role);
    const before = withdrawalOf(info);
    if (before !== undefined)
      return {
        done: { ...base, withdrawn: before, alreadyWithdrawn: true, repository: undefined },
      };
    const withdrawn = { reason, at };
    return {
      targets: { ...targets, [targetPath]: withWithdrawal(info, withdrawn) },
      result: (repository) => ({ ...base, withdrawn, alreadyWithdrawn: false, repository }),
    };
  });
}

function notPublished(ref: PatchRef, role: string | undefined): PatchcastError {
  const where = role === undefined ? 'the top-level targets role' : `role ${role}`;
  return new PatchcastError('NOT_FOUND', `${formatPatchRef(ref)} is not published in ${where}`, {
    hint: 'patchcast patches shows each version and the role that published it (pass --role ROLE)',
  });
}
