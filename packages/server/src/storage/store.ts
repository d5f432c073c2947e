/**
 * The Store port: everything the server persists. Each adapter (storage/sqlite, later
 * storage/postgres) implements it, and one conformance suite runs against every adapter.
 * Multi-row changes are single atomic methods, so adapters own their transactions.
 */
import type {
  DeviceSelector,
  DeviceState,
  Inventory,
  PatchRef,
  Role,
  RolloutState,
} from '@patchcast/protocol';

export const METADATA_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
export type MetadataRole = (typeof METADATA_ROLES)[number];

export interface MetadataRecord {
  readonly role: MetadataRole;
  readonly version: number;
  readonly bytes: Uint8Array;
}

export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly hash: string;
  readonly createdAt: string;
}

export interface EnrollTokenRecord {
  readonly id: string;
  readonly hash: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export type ConsumeResult = 'ok' | 'unknown' | 'used' | 'expired';

export interface DeviceRecord {
  readonly id: string;
  readonly name: string;
  readonly publicKey: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly inventory: Inventory;
  readonly enrolledAt: string;
  readonly lastSeenAt: string | null;
  readonly lastTimestampVersion: number;
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
}

export interface AssignmentRecord {
  readonly rolloutId: string;
  readonly deviceId: string;
  readonly state: DeviceState;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly updatedAt: string;
}

export interface ReportInput {
  readonly reportId: string;
  readonly rolloutId: string;
  readonly deviceId: string;
  readonly state: DeviceState;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly timings: Readonly<Record<string, number>> | null;
  readonly at: string;
}

export type ReportOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown-assignment';

export interface Store {
  readonly kind: string;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | undefined>;
  /** Sets the value only if the key is absent; returns the value that is now stored. */
  initSetting(key: string, value: string): Promise<string>;

  createApiToken(token: ApiTokenRecord): Promise<void>;
  findApiToken(hash: string): Promise<ApiTokenRecord | undefined>;

  createEnrollToken(token: EnrollTokenRecord): Promise<void>;
  /** Atomically marks the token used; only the first caller ever gets 'ok'. */
  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult>;

  createDevice(device: DeviceRecord): Promise<void>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
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
  ): Promise<boolean>;

  putArtifact(artifact: ArtifactRecord): Promise<void>;
  getArtifact(sha256: string): Promise<ArtifactRecord | undefined>;

  createRollout(rollout: RolloutRecord, deviceIds: readonly string[]): Promise<void>;
  getRollout(id: string): Promise<RolloutRecord | undefined>;
  listRollouts(): Promise<RolloutRecord[]>;
  setRolloutState(id: string, state: RolloutState, completedAt: string | null): Promise<void>;
  assignments(rolloutId: string): Promise<AssignmentRecord[]>;
  /** Assignments of a device whose state is not final, oldest rollout first. */
  openAssignments(deviceId: string): Promise<AssignmentRecord[]>;
  /** Moves 'pending' assignments to 'notified'. */
  markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void>;
  /** Records a device report once (by reportId) and applies it to the assignment. */
  applyReport(report: ReportInput): Promise<ReportOutcome>;
}
