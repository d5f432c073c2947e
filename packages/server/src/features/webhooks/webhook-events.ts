/**
 * The events a server sends (docs/protocol/webhooks.md). A body is the Standard Webhooks envelope
 * `{ type, timestamp, data }`; its id (the `webhook-id` header) is derived from what the event is
 * about, so the same event enqueued twice (a retried report, several nodes seeing one
 * checkpoint) is one outbox row per webhook and receivers can deduplicate by it.
 */
import { createHash } from 'node:crypto';
import type { KevMatch, VulnFinding } from '@patchcast/core';
import type { PatchRef, WebhookEventType } from '@patchcast/protocol';
import type { CheckpointRecord, ReportInput } from '../../storage/store.js';
import type { WebhookEventRecord } from '../../storage/webhook-store.js';

/** `msg_` and 32 hex digits of the SHA-256 of the event's identity. */
export function eventId(identity: string): string {
  return `msg_${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

export function webhookEvent(
  type: WebhookEventType,
  identity: string,
  at: string,
  data: Readonly<Record<string, unknown>>,
): WebhookEventRecord {
  return {
    id: eventId(`${type}\u0000${identity}`),
    type,
    at,
    body: JSON.stringify({ type, timestamp: at, data }),
  };
}

/**
 * A device's install that did not stay: `failed`, or `rolled-back` by the agent itself after a
 * failed health check (a refused undo and an undo the server commanded are not installs).
 */
export function installFailed(report: ReportInput, patch: PatchRef): WebhookEventRecord {
  return webhookEvent('device.install-failed', report.reportId, report.at, {
    rolloutId: report.rolloutId,
    deviceId: report.deviceId,
    patch: { name: patch.name, version: patch.version },
    state: report.state,
    error: report.error,
  });
}

/** A device newly exposed to a vulnerability that CISA's KEV catalog lists. */
export function findingKev(
  deviceId: string,
  finding: VulnFinding,
  kev: KevMatch,
  at: string,
): WebhookEventRecord {
  const key = [finding.advisoryId, finding.ecosystem, finding.package].join('\u0000');
  return webhookEvent('finding.kev', `${deviceId}\u0000${key}\u0000${at}`, at, {
    deviceId,
    advisoryId: finding.advisoryId,
    cves: finding.cves,
    ecosystem: finding.ecosystem,
    package: finding.package,
    installedVersion: finding.installedVersion,
    fixedVersion: finding.fixedVersion ?? null,
    kev: {
      cve: kev.cve,
      dateAdded: kev.dateAdded,
      dueDate: kev.dueDate,
      knownRansomwareCampaignUse: kev.knownRansomwareCampaignUse ?? null,
    },
  });
}

/** A new signed checkpoint of the transparency log. */
export function logCheckpoint(checkpoint: CheckpointRecord, at: string): WebhookEventRecord {
  const [origin = '', size = '', rootHash = ''] = checkpoint.note.split('\n');
  return webhookEvent('log.checkpoint', `${origin}\u0000${checkpoint.size}`, at, {
    origin,
    size: Number(size) || checkpoint.size,
    rootHash,
    note: checkpoint.note,
  });
}
