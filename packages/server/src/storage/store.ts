/**
 * The Store port: everything the server persists. Each adapter (storage/sqlite, later
 * storage/postgres) implements it, and one conformance suite runs against every adapter.
 * Multi-row changes are single atomic methods, so adapters own their transactions; a change
 * the transparency log records takes its `logged` entries and writes them in that transaction.
 */
import type { LeaseFence, LeaseStore } from './lease-store.js';
import type { RolloutEngineStore } from './rollout-engine-store.js';
import type { VulnStore } from './vuln-store.js';
import type { DeviceResultsStore } from './device-results-store.js';
import type { DeviceCertificateStore } from './device-certificate-store.js';
import type { WebhookStore } from './webhook-store.js';
import type { ConsoleSessionStore } from './console-session-store.js';
import type { DevicePageStore } from './device-page-store.js';
import type { ImportHistoryStore } from './import-history-store.js';
import type { PresenceStore } from './presence-store.js';
import type {
  DeviceSelector,
  DeviceState,
  Inventory,
  PatchRef,
  Role,
  RolloutState,
} from '@patchcast/protocol';

export const METADATA_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
/** A delegated targets role's metadata is stored under `delegated:<role name>`. */
export type MetadataRole = (typeof METADATA_ROLES)[number] | `delegated:${string}`;

export interface MetadataRecord {
  readonly role: MetadataRole;
  readonly version: number;
  readonly bytes: Uint8Array;
}

export interface ApiTokenRecord {
  readonly id: string;
  /** Unique among tokens not revoked: log entries name tokens by it. */
  readonly name: string;
  readonly role: Role;
  readonly hash: string;
  readonly createdAt: string;
  /** Who made it (a token name; `server` for the initial admin token). */
  readonly createdBy?: string | undefined;
  /** Refused from this instant on; absent: never expires. */
  readonly expiresAt?: string | undefined;
  /** Refused since this instant (`patchcast token revoke`). */
  readonly revokedAt?: string | undefined;
  /** The devices the token may act on (rollouts, labels, replacement); absent: every device. */
  readonly devices?: DeviceSelector | undefined;
}

export interface EnrollTokenRecord {
  readonly id: string;
  readonly hash: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** A replacement token: the device whose key it may replace (docs/protocol/agent-channel.md). */
  readonly replaces?: string | undefined;
  /** When it was used; set by consumeEnrollToken, read back by findEnrollToken. */
  readonly usedAt?: string | null;
  /** Labels every device enrolled with it gets; they win over the agent's own --label flags. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Refused since this instant (`patchcast enroll-token revoke`). */
  readonly revokedAt?: string | undefined;
}

export type ConsumeResult = 'ok' | 'unknown' | 'used' | 'expired' | 'revoked';

export interface DeviceRecord {
  readonly id: string;
  readonly name: string;
  readonly publicKey: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly inventory: Inventory;
  readonly enrolledAt: string;
  readonly lastSeenAt: string | null;
  readonly lastTimestampVersion: number;
  /** Refused on the channel and at enrollment since this instant (`devices revoke`, ADR 0029). */
  readonly revokedAt?: string | undefined;
  /** Gone from lists and rollouts since this instant (`devices remove`); always revoked too. */
  readonly removedAt?: string | undefined;
}

/** What an update of a device may change; absent fields stay as they are. */
export interface DeviceChange {
  readonly name?: string;
  /** A new device key: the old key no longer authenticates. */
  readonly publicKey?: string;
  readonly inventory?: Inventory;
  /** Labels to set; with `exactLabels` the complete new set (labels not named are removed). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly exactLabels?: boolean;
  readonly removeLabels?: readonly string[];
  /** The device starts over with repository metadata (a new host under an old id). */
  readonly resetTimestampVersion?: boolean;
  /** Revokes the device at this instant; null lifts the revocation (a replacement key). */
  readonly revokedAt?: string | null;
  /** Removes the device at this instant (it stays in the database for history and audit). */
  readonly removedAt?: string;
}

export interface ArtifactRecord {
  readonly sha256: string;
  readonly length: number;
  readonly createdAt: string;
}

export interface RolloutRecord {
  readonly id: string;
  readonly patch: PatchRef;
  readonly targetPath: string;
  readonly selector: DeviceSelector;
  readonly state: RolloutState;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly completedAt: string | null;
  /** Devices may install it below their installed version (rollout start --allow-downgrade). */
  readonly allowDowngrade?: boolean;
}

/** How a rollout without an engine ends (Store.completeRollout). */
export interface RolloutEnd {
  readonly state: RolloutState;
  readonly at: string;
  readonly logged?: readonly PendingLogEntry[];
  readonly fence?: LeaseFence;
}

export interface AssignmentRecord {
  readonly rolloutId: string;
  readonly deviceId: string;
  readonly state: DeviceState;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly updatedAt: string;
  /** Installed, and the patch needs a reboot (absent from adapters that predate the flag). */
  readonly rebootRequired?: boolean;
}

export interface ReportInput {
  readonly reportId: string;
  readonly rolloutId: string;
  readonly deviceId: string;
  readonly state: DeviceState;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly timings: Readonly<Record<string, number>> | null;
  readonly at: string;
  /** An `installed` report whose bundle needs a reboot; kept on the assignment. */
  readonly rebootRequired?: boolean;
  /** The boot id the agent sent with `rebootRequired`; a `booted` with another id clears it. */
  readonly bootId?: string;
}

export type ReportOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown-assignment';

/** One transparency log leaf as stored: canonical JSON bytes and their RFC 9162 leaf hash. */
export interface LogEntryRecord {
  readonly index: number;
  readonly leaf: Uint8Array;
  readonly hash: Uint8Array;
  /** An unauthenticated lookup key such as `patch:<name>@<version>`; null for most entries. */
  readonly subject: string | null;
}

/**
 * A log entry written in the same transaction as the state change it records, waiting for the
 * log writer to sequence it (ADR 0033). Store methods that take `logged` entries write them only
 * when the change itself is made.
 */
export interface PendingLogEntry {
  readonly leaf: Uint8Array;
  readonly subject: string | null;
}

/** The pending log entries of a change that depend on the record it found (a revoked token). */
export type LoggedOf<T> = (record: T) => readonly PendingLogEntry[];

/** The pending log entries of a device change, from the device before and after it. */
export type DeviceLogged = (
  before: DeviceRecord,
  after: DeviceRecord,
) => readonly PendingLogEntry[];

/** A pending entry as stored: `seq` orders the entries the writer has yet to sequence. */
export interface PendingLogRecord extends PendingLogEntry {
  readonly seq: number;
}

/** A signed checkpoint note (C2SP tlog-checkpoint) for a tree of `size` leaves. */
export interface CheckpointRecord {
  readonly size: number;
  readonly note: string;
}

/** The transparency log's part of the Store: append-only leaves and one checkpoint per batch. */
export interface LogStore {
  /**
   * Appends a batch and its checkpoint atomically. Refused, writing nothing, unless the batch
   * starts at the current size, is contiguous, and the checkpoint's size is the new size. The
   * pending entries numbered `sequenced` are deleted in the same transaction (refused, writing
   * nothing, unless every one of them is still pending).
   */
  append(
    entries: readonly LogEntryRecord[],
    checkpoint: CheckpointRecord,
    sequenced?: readonly number[],
  ): Promise<void>;
  /** The pending entries (ADR 0033), lowest `seq` first, at most `limit`. */
  pending(limit: number): Promise<PendingLogRecord[]>;
  /** One past the highest stored index (a missing row inside the log does not shrink it). */
  size(): Promise<number>;
  /** Stored entries with start <= index < end, in index order. */
  entries(start: number, end: number): Promise<LogEntryRecord[]>;
  /** Leaf hashes with start <= index < end, in index order, as [index, hash] pairs. */
  leafHashes(start: number, end: number): Promise<[number, Uint8Array][]>;
  /** The entry with the lowest index among those with this subject. */
  findBySubject(subject: string): Promise<LogEntryRecord | undefined>;
  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  /** The smallest stored checkpoint that covers entry `index` (a key transition's, ADR 0028). */
  checkpointCovering(index: number): Promise<CheckpointRecord | undefined>;
}

export interface Store {
  readonly kind: string;
  readonly log: LogStore;
  /** Rollout leases with fencing tokens (cluster/). */
  readonly leases: LeaseStore;
  readonly vulns: VulnStore;
  readonly rolloutEngine: RolloutEngineStore;
  readonly deviceResults: DeviceResultsStore;
  /** Webhook subscriptions, their outbox and delivery log (features/webhooks, ADR 0026). */
  readonly webhooks: WebhookStore;
  /** Certificates the device CA issued (ADR 0030). */
  readonly deviceCertificates: DeviceCertificateStore;
  /** Operator console sign-in sessions (ADR 0035). */
  readonly consoleSessions: ConsoleSessionStore;
  /** The device list's search and paging, done in the database. */
  readonly devicePages: DevicePageStore;
  /** Committed advisory imports, for the console and the API. */
  readonly importHistory: ImportHistoryStore;
  /** Which node each connected agent is on (features/devices/presence.ts). */
  readonly presence: PresenceStore;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | undefined>;
  /** Sets the value only if the key is absent; returns the value that is now stored. */
  initSetting(key: string, value: string): Promise<string>;

  /** Creates the token with its pending log entries `logged` (ADR 0033), in one transaction. */
  createApiToken(token: ApiTokenRecord, logged?: readonly PendingLogEntry[]): Promise<void>;
  /** By hash, revoked and expired ones too (the caller tells the refusals apart). */
  findApiToken(hash: string): Promise<ApiTokenRecord | undefined>;
  /** Every token, oldest first. */
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /**
   * Marks the token revoked at `at` (kept if already revoked); undefined when there is none.
   * `logged` gives the pending log entries of the revoked token, written in the same transaction.
   */
  revokeApiToken(
    id: string,
    at: string,
    logged?: LoggedOf<ApiTokenRecord>,
  ): Promise<ApiTokenRecord | undefined>;

  createEnrollToken(token: EnrollTokenRecord, logged?: readonly PendingLogEntry[]): Promise<void>;
  findEnrollToken(hash: string): Promise<EnrollTokenRecord | undefined>;
  /** Atomically marks the token used; only the first caller ever gets 'ok'. */
  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult>;
  /** Every enrollment token, oldest first. */
  listEnrollTokens(): Promise<EnrollTokenRecord[]>;
  /** As revokeApiToken. */
  revokeEnrollToken(
    id: string,
    at: string,
    logged?: LoggedOf<EnrollTokenRecord>,
  ): Promise<EnrollTokenRecord | undefined>;

  /** Creates the device with its pending log entries `logged` (ADR 0033), in one transaction. */
  createDevice(device: DeviceRecord, logged?: readonly PendingLogEntry[]): Promise<void>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  findDeviceByKey(publicKey: string): Promise<DeviceRecord | undefined>;
  /**
   * Changes a device atomically (read, change, write) with the pending log entries `logged`
   * gives for the device before and after; undefined (nothing written) when there is none.
   */
  updateDevice(
    id: string,
    change: DeviceChange,
    logged?: DeviceLogged,
  ): Promise<DeviceRecord | undefined>;
  /** Devices not removed, oldest enrollment first. */
  listDevices(): Promise<DeviceRecord[]>;
  touchDevice(
    id: string,
    at: string,
    update: { inventory?: Inventory; lastTimestampVersion?: number },
  ): Promise<void>;

  latestMetadata(role: MetadataRole): Promise<MetadataRecord | undefined>;
  getMetadata(role: MetadataRole, version: number): Promise<MetadataRecord | undefined>;
  /**
   * Stores several metadata files atomically. When `expectTargetsVersion` is set, the change only
   * happens if that is still the latest targets version; returns false otherwise.
   */
  commitMetadata(
    records: readonly MetadataRecord[],
    expectTargetsVersion?: number,
    logged?: readonly PendingLogEntry[],
  ): Promise<boolean>;

  putArtifact(artifact: ArtifactRecord): Promise<void>;
  getArtifact(sha256: string): Promise<ArtifactRecord | undefined>;

  createRollout(rollout: RolloutRecord, deviceIds: readonly string[]): Promise<void>;
  getRollout(id: string): Promise<RolloutRecord | undefined>;
  /** Every rollout, newest first; with `state`, only the rollouts in that state. */
  listRollouts(state?: RolloutState): Promise<RolloutRecord[]>;
  /** How many rollouts are in each state (states without one are absent). */
  rolloutStateCounts(): Promise<Partial<Record<RolloutState, number>>>;
  /**
   * Ends an in-progress rollout with its pending log entries in one transaction (ADR 0033); with
   * a fence, only while that lease still has that token (ADR 0014). False when nothing changed:
   * the rollout was not in progress, or the lease moved on.
   */
  completeRollout(rolloutId: string, end: RolloutEnd): Promise<boolean>;
  assignments(rolloutId: string): Promise<AssignmentRecord[]>;
  /** Assignments of a device whose state is not final, oldest rollout first. */
  openAssignments(deviceId: string): Promise<AssignmentRecord[]>;
  /** Moves 'pending' assignments to 'notified'. */
  markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void>;
  /** Records a device report once (by reportId) and applies it to the assignment. */
  applyReport(report: ReportInput, logged?: readonly PendingLogEntry[]): Promise<ReportOutcome>;
}
