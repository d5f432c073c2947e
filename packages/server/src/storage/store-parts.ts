/**
 * The flat part of the Store port, in three areas each adapter serves with one class (identity,
 * repository, assignments), and the forwarding every adapter shares: an adapter opens its
 * database, builds its three parts and its sub-ports, and extends PartedStore.
 */
import type { RolloutState } from '@patchcast/protocol';
import type {
  ApiTokenRecord,
  ArtifactRecord,
  AssignmentRecord,
  ConsumeResult,
  DeviceChange,
  DeviceLogged,
  DeviceRecord,
  EnrollTokenRecord,
  MetadataRecord,
  LoggedOf,
  MetadataRole,
  PendingLogEntry,
  ReportInput,
  ReportOutcome,
  RolloutEnd,
  RolloutRecord,
  Store,
} from './store.js';

/** Settings, API and enrollment tokens, devices. */
export type IdentityPart = Pick<
  Store,
  | 'getSetting'
  | 'initSetting'
  | 'createApiToken'
  | 'findApiToken'
  | 'listApiTokens'
  | 'revokeApiToken'
  | 'createEnrollToken'
  | 'findEnrollToken'
  | 'consumeEnrollToken'
  | 'listEnrollTokens'
  | 'revokeEnrollToken'
  | 'createDevice'
  | 'getDevice'
  | 'findDeviceByKey'
  | 'updateDevice'
  | 'listDevices'
  | 'touchDevice'
>;

/** TUF metadata and artifact records. */
export type RepositoryPart = Pick<
  Store,
  'latestMetadata' | 'getMetadata' | 'commitMetadata' | 'putArtifact' | 'getArtifact'
>;

/** Rollouts, their assignments and device reports. */
export type AssignmentsPart = Pick<
  Store,
  | 'createRollout'
  | 'getRollout'
  | 'listRollouts'
  | 'rolloutStateCounts'
  | 'completeRollout'
  | 'assignments'
  | 'openAssignments'
  | 'markNotified'
  | 'applyReport'
>;

export interface StoreParts {
  readonly identity: IdentityPart;
  readonly repository: RepositoryPart;
  readonly assignments: AssignmentsPart;
}

/** Store's flat methods, each handed to the part that serves its area. */
export abstract class PartedStore implements IdentityPart, RepositoryPart, AssignmentsPart {
  readonly #identity: IdentityPart;
  readonly #repository: RepositoryPart;
  readonly #assignments: AssignmentsPart;

  constructor(parts: StoreParts) {
    this.#identity = parts.identity;
    this.#repository = parts.repository;
    this.#assignments = parts.assignments;
  }

  getSetting(key: string): Promise<string | undefined> {
    return this.#identity.getSetting(key);
  }
  initSetting(key: string, value: string): Promise<string> {
    return this.#identity.initSetting(key, value);
  }
  createApiToken(token: ApiTokenRecord, logged?: readonly PendingLogEntry[]): Promise<void> {
    return this.#identity.createApiToken(token, logged);
  }
  findApiToken(hash: string): Promise<ApiTokenRecord | undefined> {
    return this.#identity.findApiToken(hash);
  }
  listApiTokens(): Promise<ApiTokenRecord[]> {
    return this.#identity.listApiTokens();
  }
  revokeApiToken(
    id: string,
    at: string,
    logged?: LoggedOf<ApiTokenRecord>,
  ): Promise<ApiTokenRecord | undefined> {
    return this.#identity.revokeApiToken(id, at, logged);
  }
  createEnrollToken(token: EnrollTokenRecord, logged?: readonly PendingLogEntry[]): Promise<void> {
    return this.#identity.createEnrollToken(token, logged);
  }
  findEnrollToken(hash: string): Promise<EnrollTokenRecord | undefined> {
    return this.#identity.findEnrollToken(hash);
  }
  consumeEnrollToken(hash: string, now: string): Promise<ConsumeResult> {
    return this.#identity.consumeEnrollToken(hash, now);
  }
  listEnrollTokens(): Promise<EnrollTokenRecord[]> {
    return this.#identity.listEnrollTokens();
  }
  revokeEnrollToken(
    id: string,
    at: string,
    logged?: LoggedOf<EnrollTokenRecord>,
  ): Promise<EnrollTokenRecord | undefined> {
    return this.#identity.revokeEnrollToken(id, at, logged);
  }
  createDevice(device: DeviceRecord, logged?: readonly PendingLogEntry[]): Promise<void> {
    return this.#identity.createDevice(device, logged);
  }
  getDevice(id: string): Promise<DeviceRecord | undefined> {
    return this.#identity.getDevice(id);
  }
  findDeviceByKey(publicKey: string): Promise<DeviceRecord | undefined> {
    return this.#identity.findDeviceByKey(publicKey);
  }
  updateDevice(
    id: string,
    change: DeviceChange,
    logged?: DeviceLogged,
  ): Promise<DeviceRecord | undefined> {
    return this.#identity.updateDevice(id, change, logged);
  }
  listDevices(): Promise<DeviceRecord[]> {
    return this.#identity.listDevices();
  }
  touchDevice(id: string, at: string, update: Parameters<Store['touchDevice']>[2]): Promise<void> {
    return this.#identity.touchDevice(id, at, update);
  }

  latestMetadata(role: MetadataRole): Promise<MetadataRecord | undefined> {
    return this.#repository.latestMetadata(role);
  }
  getMetadata(role: MetadataRole, version: number): Promise<MetadataRecord | undefined> {
    return this.#repository.getMetadata(role, version);
  }
  commitMetadata(
    records: readonly MetadataRecord[],
    expectTargets?: number,
    logged?: readonly PendingLogEntry[],
  ): Promise<boolean> {
    return this.#repository.commitMetadata(records, expectTargets, logged);
  }
  putArtifact(artifact: ArtifactRecord): Promise<void> {
    return this.#repository.putArtifact(artifact);
  }
  getArtifact(sha256: string): Promise<ArtifactRecord | undefined> {
    return this.#repository.getArtifact(sha256);
  }

  createRollout(rollout: RolloutRecord, deviceIds: readonly string[]): Promise<void> {
    return this.#assignments.createRollout(rollout, deviceIds);
  }
  getRollout(id: string): Promise<RolloutRecord | undefined> {
    return this.#assignments.getRollout(id);
  }
  listRollouts(state?: RolloutState): Promise<RolloutRecord[]> {
    return this.#assignments.listRollouts(state);
  }
  rolloutStateCounts(): Promise<Partial<Record<RolloutState, number>>> {
    return this.#assignments.rolloutStateCounts();
  }
  completeRollout(rolloutId: string, end: RolloutEnd): Promise<boolean> {
    return this.#assignments.completeRollout(rolloutId, end);
  }
  assignments(rolloutId: string): Promise<AssignmentRecord[]> {
    return this.#assignments.assignments(rolloutId);
  }
  openAssignments(deviceId: string): Promise<AssignmentRecord[]> {
    return this.#assignments.openAssignments(deviceId);
  }
  markNotified(rolloutId: string, deviceIds: readonly string[], at: string): Promise<void> {
    return this.#assignments.markNotified(rolloutId, deviceIds, at);
  }
  applyReport(report: ReportInput, logged?: readonly PendingLogEntry[]): Promise<ReportOutcome> {
    return this.#assignments.applyReport(report, logged);
  }
}
