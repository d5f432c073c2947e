import type { RolloutDecisionRecord } from './rollout-engine-store.js';
import type {
  DeviceSelector,
  DeviceState,
  Inventory,
  Role,
  RolloutState,
} from '@patchcast/protocol';
import type {
  ApiTokenRecord,
  AssignmentRecord,
  DeviceChange,
  DeviceRecord,
  EnrollTokenRecord,
  RolloutRecord,
} from './store.js';

export interface DeviceRow {
  id: string;
  name: string;
  public_key: string;
  labels: string;
  inventory: string;
  enrolled_at: string;
  last_seen_at: string | null;
  last_timestamp_version: number;
  revoked_at: string | null;
  removed_at: string | null;
}

export const DEVICE_COLUMNS =
  'id, name, public_key, labels, inventory, enrolled_at, last_seen_at, last_timestamp_version';

/** The values of a new devices row, in DEVICE_COLUMNS order. */
export function deviceValues(d: DeviceRecord): unknown[] {
  return [
    d.id,
    d.name,
    d.publicKey,
    JSON.stringify(d.labels),
    JSON.stringify(d.inventory),
    d.enrolledAt,
    d.lastSeenAt,
    d.lastTimestampVersion,
  ];
}

export interface RolloutRow {
  id: string;
  name: string;
  version: string;
  target_path: string;
  selector: string;
  state: RolloutState;
  created_at: string;
  created_by: string;
  completed_at: string | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  allow_downgrade?: number | boolean;
}

export interface AssignmentRow {
  rollout_id: string;
  device_id: string;
  state: DeviceState;
  error_code: string | null;
  error_message: string | null;
  updated_at: string;
  /** Absent before the reboot-required migration; 0/1 in SQLite, a boolean in PostgreSQL. */
  reboot_required?: number | boolean;
}

export function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    name: row.name,
    publicKey: row.public_key,
    labels: JSON.parse(row.labels) as Record<string, string>,
    inventory: JSON.parse(row.inventory) as Inventory,
    enrolledAt: row.enrolled_at,
    lastSeenAt: row.last_seen_at,
    lastTimestampVersion: row.last_timestamp_version,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
    ...(row.removed_at === null ? {} : { removedAt: row.removed_at }),
  };
}

/** A device after a change (storage/store.ts DeviceChange); both adapters write what this gives. */
export function changedDevice(device: DeviceRecord, change: DeviceChange): DeviceRecord {
  const labels = new Map(change.exactLabels === true ? [] : Object.entries(device.labels));
  for (const [key, value] of Object.entries(change.labels ?? {})) labels.set(key, value);
  for (const key of change.removeLabels ?? []) labels.delete(key);
  const revokedAt = change.revokedAt === undefined ? device.revokedAt : change.revokedAt;
  const removedAt = change.removedAt ?? device.removedAt;
  return {
    id: device.id,
    enrolledAt: device.enrolledAt,
    lastSeenAt: device.lastSeenAt,
    ...(revokedAt === undefined || revokedAt === null ? {} : { revokedAt }),
    ...(removedAt === undefined ? {} : { removedAt }),
    name: change.name ?? device.name,
    publicKey: change.publicKey ?? device.publicKey,
    inventory: change.inventory ?? device.inventory,
    labels: Object.fromEntries([...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    lastTimestampVersion: change.resetTimestampVersion === true ? 0 : device.lastTimestampVersion,
  };
}

export interface ApiTokenRow {
  id: string;
  name: string;
  role: Role;
  hash: string;
  created_at: string;
  created_by: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  devices: string | null;
}

export function toApiToken(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    hash: row.hash,
    createdAt: row.created_at,
    createdBy: row.created_by ?? undefined,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
    devices: row.devices === null ? undefined : (JSON.parse(row.devices) as DeviceSelector),
  };
}

export const API_TOKEN_COLUMNS =
  'id, name, role, hash, created_at, created_by, expires_at, revoked_at, devices';

/** The values of an api_tokens row, in API_TOKEN_COLUMNS order. */
export function apiTokenValues(t: ApiTokenRecord): unknown[] {
  return [
    t.id,
    t.name,
    t.role,
    t.hash,
    t.createdAt,
    t.createdBy ?? null,
    t.expiresAt ?? null,
    t.revokedAt ?? null,
    t.devices === undefined ? null : JSON.stringify(t.devices),
  ];
}

export interface EnrollTokenRow {
  id: string;
  hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  replaces: string | null;
  labels: string | null;
  revoked_at: string | null;
}

export function toEnrollToken(row: EnrollTokenRow): EnrollTokenRecord {
  return {
    id: row.id,
    hash: row.hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    replaces: row.replaces ?? undefined,
    usedAt: row.used_at,
    labels: row.labels === null ? {} : (JSON.parse(row.labels) as Record<string, string>),
    revokedAt: row.revoked_at ?? undefined,
  };
}

export function toRollout(row: RolloutRow): RolloutRecord {
  return {
    id: row.id,
    patch: { name: row.name, version: row.version },
    targetPath: row.target_path,
    selector: JSON.parse(row.selector) as DeviceSelector,
    state: row.state,
    createdAt: row.created_at,
    createdBy: row.created_by,
    completedAt: row.completed_at,
    ...(row.allow_downgrade === 1 || row.allow_downgrade === true ? { allowDowngrade: true } : {}),
  };
}

export function toAssignment(row: AssignmentRow): AssignmentRecord {
  return {
    rolloutId: row.rollout_id,
    deviceId: row.device_id,
    state: row.state,
    error:
      row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    updatedAt: row.updated_at,
    rebootRequired: row.state === 'installed' && Boolean(row.reboot_required),
  };
}

export interface DecisionRow {
  rollout_id: string;
  seq: number;
  at: string;
  wave: number;
  from_state: string | null;
  to_state: string;
  event: string;
  detail: string;
  by: string | null;
}

export function toDecision(row: DecisionRow): RolloutDecisionRecord {
  const { seq, at, wave, event, detail, by } = row;
  return { seq, at, wave, from: row.from_state, to: row.to_state, event, detail, by };
}
