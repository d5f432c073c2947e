/** Log events built from the records they describe (leaf schema: docs/protocol/log.md). */
import { sha256Hex } from '@patchcast/core';
import type { TargetFile, Targets } from '@patchcast/core';
import {
  encodeLogEntry,
  loggedSelector,
  patchOfTargetPath,
  withdrawalOf,
} from '@patchcast/protocol';
import type { LogEventInput, PatchRef } from '@patchcast/protocol';
import type {
  MetadataRecord,
  PendingLogEntry,
  ReportInput,
  RolloutRecord,
} from '../../storage/store.js';
import { keySubject } from './key-rotation.js';

/** Appends events and resolves with each one's index once its batch is stored and signed. */
export interface EventLog {
  append(event: LogEventInput): Promise<number>;
  /**
   * Resolves once the entries pending in the store (written with their change, ADR 0033) are in
   * the log; with `witnessed`, once the witnesses had (bounded) time to cosign them.
   */
  sequencePending(options?: { readonly witnessed?: boolean }): Promise<void>;
}

/** The events as pending entries, for a store method to write with the change they record. */
export function pendingEntries(events: readonly LogEventInput[]): PendingLogEntry[] {
  return events.map((event) => ({ leaf: encodeLogEntry(event), subject: subjectOf(event) }));
}

export function appendAll(log: EventLog, events: readonly LogEventInput[]): Promise<number[]> {
  return Promise.all(events.map((event) => log.append(event)));
}

/** The lookup key of a patch's publication entry. */
export function patchSubject(ref: PatchRef): string {
  return `patch:${ref.name}@${ref.version}`;
}

/** The lookup key of a patch's withdrawal entry. */
export function withdrawalSubject(ref: PatchRef): string {
  return `withdrawn:${ref.name}@${ref.version}`;
}

export function subjectOf(event: LogEventInput): string | null {
  if (event.type === 'patch-published') return patchSubject(event);
  if (event.type === 'log-key-rotated') return keySubject(event.key);
  return event.type === 'patch-withdrawn' ? withdrawalSubject(event) : null;
}

export function metadataSigned(record: MetadataRecord, at: string): LogEventInput {
  const { role, version, bytes } = record;
  return { type: 'metadata-signed', at, role, version, sha256: sha256Hex(bytes) };
}

export function patchPublished(
  targetPath: string,
  info: TargetFile,
  targetsVersion: number,
  context: { readonly by: string; readonly at: string },
): Extract<LogEventInput, { type: 'patch-published' }> | undefined {
  const ref = patchOfTargetPath(targetPath);
  if (ref === undefined) return undefined;
  return {
    type: 'patch-published',
    at: context.at,
    name: ref.name,
    version: ref.version,
    targetPath,
    sha256: info.hashes.sha256,
    length: info.length,
    targetsVersion,
    by: context.by,
  };
}

/**
 * The events of a targets update: patch-published for every target of `next` that `previous`
 * lacks, then patch-withdrawn for every target `next` withdraws and `previous` did not.
 */
export function targetsChangeEvents(
  previous: Targets,
  next: Targets,
  context: { readonly by: string; readonly at: string; readonly role?: string | undefined },
): LogEventInput[] {
  const entries = Object.entries(next.targets);
  const published = entries
    .filter(([path]) => !Object.hasOwn(previous.targets, path))
    .map(([path, info]) => patchPublished(path, info, next.version, context))
    .filter((event) => event !== undefined);
  const withdrawn = entries
    .filter(([path]) => !isWithdrawn(previous.targets[path]))
    .map(([path, info]) => patchWithdrawn(path, info, next.version, context))
    .filter((event) => event !== undefined);
  return [...published, ...withdrawn];
}

function isWithdrawn(info: TargetFile | undefined): boolean {
  return info !== undefined && withdrawalOf(info) !== undefined;
}

export function patchWithdrawn(
  targetPath: string,
  info: TargetFile,
  targetsVersion: number,
  context: { readonly by: string; readonly at: string; readonly role?: string | undefined },
): Extract<LogEventInput, { type: 'patch-withdrawn' }> | undefined {
  const ref = patchOfTargetPath(targetPath);
  const withdrawal = withdrawalOf(info);
  if (ref === undefined || withdrawal === undefined) return undefined;
  return {
    type: 'patch-withdrawn',
    at: context.at,
    name: ref.name,
    version: ref.version,
    targetPath,
    sha256: info.hashes.sha256,
    reason: withdrawal.reason,
    withdrawnAt: withdrawal.at,
    targetsVersion,
    role: context.role ?? null,
    by: context.by,
  };
}

export function rolloutCreated(rollout: RolloutRecord, devices: number): LogEventInput {
  return {
    type: 'rollout-created',
    at: rollout.createdAt,
    id: rollout.id,
    patch: { name: rollout.patch.name, version: rollout.patch.version },
    targetPath: rollout.targetPath,
    selector: loggedSelector(rollout.selector),
    devices,
    by: rollout.createdBy,
    ...(rollout.allowDowngrade === true ? { allowDowngrade: true as const } : {}),
  };
}

/** The log events of a final device report: its result, and a security event for a refusal. */
export function deviceResultEvents(report: ReportInput, patch: PatchRef): LogEventInput[] {
  const { rolloutId, deviceId, at } = report;
  if (report.state !== 'installed' && report.state !== 'failed' && report.state !== 'rolled-back') {
    return [];
  }
  const code = report.error?.code ?? null;
  const result: LogEventInput = {
    type: 'device-result',
    at,
    rolloutId,
    deviceId,
    patch: { name: patch.name, version: patch.version },
    state: report.state,
    error: code,
    ...(report.error === null || report.error === undefined
      ? {}
      : { errorMessage: report.error.message }),
  };
  if (code?.startsWith('SECURITY_') !== true) return [result];
  const detail = `refused ${patch.name}@${patch.version} in rollout ${rolloutId}: ${code}`;
  return [result, { type: 'security-event', at, kind: 'agent-refused', deviceId, detail }];
}

/** A device's confirmation that it undid a rollout's install (after its device-result). */
export function deviceRolledBack(report: ReportInput, patch: PatchRef): LogEventInput {
  const { rolloutId, deviceId, at } = report;
  return {
    type: 'device-rolled-back',
    at,
    rolloutId,
    deviceId,
    patch: { name: patch.name, version: patch.version },
  };
}
