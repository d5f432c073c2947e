/**
 * Enrollment (docs/protocol/agent-channel.md "Enrollment", ADR 0020): a new key makes a new
 * device; a key the server knows is the same device again (re-enrollment); a replacement token
 * gives an existing device a new key (a lost host's successor). Every refusal that can be seen
 * before the token is spent is made before it is spent.
 */
import { PatchcastError, SecurityError, ed25519Key, verifySignature } from '@patchcast/core';
import { MAX_DEVICE_LABELS, enrollStatement } from '@patchcast/protocol';
import type { EnrollRequest, LogEventInput } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { DeviceRecord, EnrollTokenRecord } from '../../storage/store.js';
import { hashToken, newId } from '../auth/api-tokens.js';
import { labelsChanged } from './labels.js';
import { pendingEntries } from '../log/log-events.js';

type Outcome = 'enrolled' | 're-enrolled' | 'replaced';
type Enrollment = Required<Omit<EnrollRequest, 'replaces' | 'proof'>> &
  Pick<EnrollRequest, 'replaces' | 'proof'>;

const WHY: Record<string, string> = {
  unknown: 'the enrollment token is not known',
  used: 'the enrollment token was already used',
  expired: 'the enrollment token has expired',
  revoked: 'the enrollment token was revoked',
};
const NEW_TOKEN = 'create a new one with `patchcast enroll-token create`';

export interface Enrolled {
  readonly deviceId: string;
  readonly outcome: Outcome;
  /** The key a replacement retired: connections made with it are closed. */
  readonly previousKey?: string;
}

export async function enrollDevice(
  deps: Pick<AppDeps, 'store' | 'log' | 'now'>,
  request: Enrollment,
): Promise<Enrolled> {
  const { store } = deps;
  const hash = hashToken(request.token);
  const token = await store.findEnrollToken(hash);
  if (token === undefined) throw tokenInvalid('unknown');
  if (token.revokedAt !== undefined) throw tokenInvalid('revoked');
  checkBinding(token, request.replaces);
  const body = withTokenLabels(request, token);
  const known = await store.findDeviceByKey(body.publicKey);
  if (known?.revokedAt !== undefined) throw revoked(known.id);
  const replaced = token.replaces === undefined ? undefined : await target(deps, token, known);
  const at = deps.now().toISOString();
  if (known !== undefined) proveKey(body);
  const consumed = await store.consumeEnrollToken(hash, at);
  if (consumed !== 'ok') throw tokenInvalid(consumed);
  if (replaced !== undefined) return replaceKey(deps, replaced, body, token, at);
  if (known !== undefined) return reenroll(deps, known, body, token, at);
  return create(deps, body, at);
}

/** The token's preset labels win over the agent's own `--label` flags (ADR 0029). */
function withTokenLabels(body: Enrollment, token: EnrollTokenRecord): Enrollment {
  const labels = { ...body.labels, ...token.labels };
  if (Object.keys(labels).length > MAX_DEVICE_LABELS)
    throw new PatchcastError(
      'INVALID_INPUT',
      `the agent's labels and the token's together are more than ${MAX_DEVICE_LABELS}`,
      { hint: 'start the agent with fewer --label flags' },
    );
  return { ...body, labels };
}

function revoked(deviceId: string): PatchcastError {
  return new PatchcastError(
    'DEVICE_REVOKED',
    `this device key belongs to device ${deviceId}, which was revoked`,
    {
      hint: 'a revoked key never enrolls again: start the agent with an empty --data folder (a new key), with a replacement token (`enroll-token create --replace ID`) to keep the id',
    },
  );
}

/** A known key re-enrolls only with proof of holding it: its public half is no secret. */
function proveKey(body: Enrollment): void {
  const statement = enrollStatement(body.token, body.publicKey);
  const proof = body.proof;
  if (proof !== undefined && verifySignature(ed25519Key(body.publicKey), proof, statement)) return;
  throw new SecurityError(
    'SECURITY_AUTH_FAILED',
    'this device key is already enrolled, and the request does not prove holding it',
    { hint: 're-enroll from the host that holds the key (its agent --data folder)' },
  );
}

function tokenInvalid(reason: string): PatchcastError {
  return new PatchcastError('ENROLL_TOKEN_INVALID', WHY[reason] ?? reason, { hint: NEW_TOKEN });
}

/** A replacement token is only for its device, and only a replacement token replaces. */
function checkBinding(token: EnrollTokenRecord, replaces: string | undefined): void {
  if (token.replaces === replaces) return;
  if (token.replaces === undefined) {
    throw new PatchcastError(
      'ENROLL_TOKEN_INVALID',
      `this enrollment token cannot replace device ${replaces}: it enrolls new devices only`,
      {
        hint: `an operator makes a replacement token: patchcast enroll-token create --replace ${replaces}`,
      },
    );
  }
  throw new PatchcastError(
    'ENROLL_TOKEN_INVALID',
    replaces === undefined
      ? `this enrollment token only replaces device ${token.replaces}`
      : `this enrollment token replaces device ${token.replaces}, not ${replaces}`,
    { hint: `pass --replace ${token.replaces} to the agent, or use a plain enrollment token` },
  );
}

/** The device a replacement token names; its key may move to no other device. */
async function target(
  deps: Pick<AppDeps, 'store'>,
  token: EnrollTokenRecord,
  known: DeviceRecord | undefined,
): Promise<DeviceRecord> {
  const id = token.replaces ?? '';
  const device = await deps.store.getDevice(id);
  if (device === undefined || device.removedAt !== undefined) {
    throw new PatchcastError('NOT_FOUND', `no device ${id} to replace`, {
      hint: 'list devices with `patchcast devices`',
    });
  }
  if (known !== undefined && known.id !== id) {
    throw new PatchcastError('CONFLICT', `this device key already belongs to device ${known.id}`, {
      hint: `a replacing host makes a new key: start the agent with an empty --data folder`,
    });
  }
  return device;
}

async function create(
  deps: Pick<AppDeps, 'store' | 'log'>,
  body: Enrollment,
  at: string,
): Promise<Enrolled> {
  const device: DeviceRecord = {
    id: newId('dev'),
    name: body.name,
    publicKey: body.publicKey,
    labels: body.labels,
    inventory: body.inventory,
    enrolledAt: at,
    lastSeenAt: null,
    lastTimestampVersion: 0,
  };
  const { id: deviceId, publicKey } = device;
  const { name, labels } = device;
  const enrolled = { type: 'device-enrolled' as const, at, deviceId, publicKey, name, labels };
  try {
    await deps.store.createDevice(device, pendingEntries([enrolled]));
  } catch {
    throw new PatchcastError('CONFLICT', 'a device with this public key is already enrolled', {
      hint: 'run the agent again with the same --data folder and --enroll TOKEN to re-enroll it',
    });
  }
  await deps.log.sequencePending();
  return { deviceId, outcome: 'enrolled' };
}

/** The same key again: the same device. Labels given with the token replace the old ones. */
async function reenroll(
  deps: Pick<AppDeps, 'store' | 'log'>,
  known: DeviceRecord,
  body: Enrollment,
  token: EnrollTokenRecord,
  at: string,
): Promise<Enrolled> {
  const relabel = Object.keys(body.labels).length > 0;
  const change = {
    name: body.name,
    inventory: body.inventory,
    ...(relabel ? { labels: body.labels, exactLabels: true } : {}),
  };
  const by = token.createdBy;
  const reenrolled = {
    type: 'operator-action' as const,
    at,
    by,
    action: 'device-re-enrolled',
    target: known.id,
  };
  await deps.store.updateDevice(known.id, change, (before, after) =>
    pendingEntries([reenrolled, ...changeEvents(before, after, by, at)]),
  );
  await deps.log.sequencePending();
  return { deviceId: known.id, outcome: 're-enrolled' };
}

/** A new host under an old id: history kept, the old key refused from now on. */
async function replaceKey(
  deps: Pick<AppDeps, 'store' | 'log'>,
  old: DeviceRecord,
  body: Enrollment,
  token: EnrollTokenRecord,
  at: string,
): Promise<Enrolled> {
  const relabel = Object.keys(body.labels).length > 0;
  const by = token.createdBy;
  const replaced = {
    type: 'device-key-replaced' as const,
    at,
    deviceId: old.id,
    publicKey: body.publicKey,
    previousKey: old.publicKey,
    by,
  };
  const change = {
    name: body.name,
    publicKey: body.publicKey,
    inventory: body.inventory,
    resetTimestampVersion: true,
    revokedAt: null, // a new key: a revoked device's successor is trusted again
    ...(relabel ? { labels: body.labels, exactLabels: true } : {}),
  };
  await deps.store.updateDevice(old.id, change, (before, after) =>
    pendingEntries([
      ...(before.publicKey === body.publicKey ? [] : [replaced]),
      ...changeEvents(before, after, by, at),
    ]),
  );
  await deps.log.sequencePending();
  return { deviceId: old.id, outcome: 'replaced', previousKey: old.publicKey };
}

/** The name and labels an enrollment gave, where they differ from the device's (ADR 0033). */
function changeEvents(
  before: DeviceRecord,
  after: DeviceRecord,
  by: string,
  at: string,
): LogEventInput[] {
  const deviceId = after.id;
  const via = 'enrollment' as const;
  const events: LogEventInput[] = [];
  if (before.name !== after.name)
    events.push({
      type: 'device-renamed',
      at,
      deviceId,
      name: after.name,
      previousName: before.name,
      by,
      via,
    });
  if (labelsChanged(before.labels, after.labels))
    events.push({
      type: 'device-labels-changed',
      at,
      deviceId,
      labels: { ...after.labels },
      by,
      via,
    });
  return events;
}
