/**
 * What a patch target's signed `custom.patchcast` says (docs/protocol/metadata.md §9): its name
 * and version, and, once its publisher withdrew it, `withdrawn: {reason, at}`. Metadata is signed
 * by the targets key (or a delegated role's), so only a publisher can withdraw a version.
 */
import { z } from 'zod';
import { PatchcastError, canonicalize } from '@patchcast/core';
import type { TargetFile } from '@patchcast/core';
import { formatPatchRef } from './names.js';
import type { PatchRef } from './names.js';

export const MAX_WITHDRAW_REASON = 1024;

export const withdrawalSchema = z.strictObject({
  reason: z.string().min(1).max(MAX_WITHDRAW_REASON),
  /** When the publisher withdrew it (RFC 3339, the publisher's clock). */
  at: z
    .string()
    .max(64)
    .refine((at) => !Number.isNaN(Date.parse(at)), 'a date and time'),
});
export type Withdrawal = z.infer<typeof withdrawalSchema>;

function patchcastCustom(info: TargetFile): Record<string, unknown> | undefined {
  const custom = info.custom?.patchcast;
  return typeof custom === 'object' && custom !== null && !Array.isArray(custom)
    ? (custom as Record<string, unknown>)
    : undefined;
}

/**
 * The target's withdrawal, or undefined. A `withdrawn` field that is not a withdrawal throws
 * METADATA_INVALID: a client must not read a malformed one as "not withdrawn".
 */
export function withdrawalOf(info: TargetFile): Withdrawal | undefined {
  const field = patchcastCustom(info)?.withdrawn;
  if (field === undefined) return undefined;
  const parsed = withdrawalSchema.safeParse(field);
  if (!parsed.success)
    throw new PatchcastError('METADATA_INVALID', 'a target carries a malformed withdrawn field', {
      hint: 'withdraw with `patchcast withdraw`, which writes {reason, at}',
    });
  return parsed.data;
}

/** The target entry as published, without its withdrawal: what a withdrawal may not change. */
export function withoutWithdrawal(info: TargetFile): TargetFile {
  const custom = patchcastCustom(info);
  if (custom === undefined || custom.withdrawn === undefined) return info;
  const rest = Object.fromEntries(Object.entries(custom).filter(([key]) => key !== 'withdrawn'));
  return { ...info, custom: { ...info.custom, patchcast: rest } };
}

/** The same target entry, withdrawn. */
export function withWithdrawal(info: TargetFile, withdrawal: Withdrawal): TargetFile {
  const custom = patchcastCustom(info) ?? {};
  return { ...info, custom: { ...info.custom, patchcast: { ...custom, withdrawn: withdrawal } } };
}

/** True when the two entries differ in anything but a withdrawal. */
export function changedBeyondWithdrawal(before: TargetFile, after: TargetFile): boolean {
  return canonicalize(withoutWithdrawal(before)) !== canonicalize(withoutWithdrawal(after));
}

/** PATCH_WITHDRAWN for `ref`, with the publisher's reason. */
export function withdrawnError(ref: PatchRef, withdrawal: Withdrawal): PatchcastError {
  return new PatchcastError(
    'PATCH_WITHDRAWN',
    `${formatPatchRef(ref)} was withdrawn at ${withdrawal.at}: ${withdrawal.reason}`,
    { hint: 'roll out a newer version (patchcast patches lists them)' },
  );
}
