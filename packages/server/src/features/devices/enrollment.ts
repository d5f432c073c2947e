/**
 * Enrollment (docs/protocol/agent-channel.md "Enrollment", ADR 0020): a new key makes a new
 * device; a key the server knows is the same device again (re-enrollment); a replacement token
 * gives an existing device a new key (a lost host's successor). Every refusal that can be seen
 * before the token is spent is made before it is spent.
 */
import { PatchcastError, ed25519Key, verifySignature } from '@patchcast/core';
import { enrollStatement } from '@patchcast/protocol';
import type { EnrollRequest } from '@patchcast/protocol';
import type { AppDeps } from '../../app-deps.js';
import type { DeviceRecord, EnrollTokenRecord } from '../../storage/store.js';
import { hashToken, newId } from '../auth/api-tokens.js';
import { labelsChanged } from './labels.js';

type Enrollment = Required<Omit<EnrollRequest, 'replaces' | 'proof'>> &
  Pick<EnrollRequest, 'replaces' | 'proof'>;
type Outcome = 'enrolled' | 're-enrolled' | 'replaced';

const WHY: Record<string, string> = {
  unknown: 'the enrollment token is not known',
  used: 'the enrollment token was already used',
  expired: 'the enrollment token has expired',
};
const NEW_TOKEN = 'create a new one with `patchcast enroll-token create`';

export async function enrollDevice(
  deps: Pick<AppDeps, 'store' | 'log' | 'now'>,
  body: Enrollment,
): Promise<{ deviceId: string; outcome: Outcome }> {
  const { store } = deps;
  const hash = hashToken(body.token);
  const token = await store.findEnrollToken(hash);
  if (token === undefined) throw tokenInvalid('unknown');
  checkBinding(token, body.replaces);
  const known = await store.findDeviceByKey(body.publicKey);
  const replaced = token.replaces === undefined ? undefined : await target(deps, token, known);
  const at = deps.now().toISOString();
  if (known !== undefined) proveKey(body);
  const consumed = await store.consumeEnrollToken(hash, at);
  if (consumed !== 'ok') throw tokenInvalid(consumed);
  if (replaced !== undefined) return replaceKey(deps, replaced, body, token, at);
  if (known !== undefined) return reenroll(deps, known, body, token, at);
  return create(deps, body, at);
}

/** A known key re-enrolls only with proof of holding it: its public half is no secret. */
function proveKey(body: Enrollment): void {
  const statement = enrollStatement(body.token, body.publicKey);
  const proof = body.proof;
  if (proof !== undefined && verifySignature(ed25519Key(body.publicKey), proof, statement)) return;
  throw new PatchcastError(
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
  if (device === undefined) {
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
): Promise<{ deviceId: string; outcome: Outcome }> {
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
  try {
    await deps.store.createDevice(device);
  } catch {
    throw new PatchcastError('CONFLICT', 'a device with this public key is already enrolled', {
      hint: 'run the agent again with the same --data folder and --enroll TOKEN to re-enroll it',
    });
  }
  const { id: deviceId, publicKey } = device;
  await deps.log.append({ type: 'device-enrolled', at, deviceId, publicKey });
  return { deviceId, outcome: 'enrolled' };
}

/** The same key again: the same device. Labels given with the token replace the old ones. */
async function reenroll(
  deps: Pick<AppDeps, 'store' | 'log'>,
  known: DeviceRecord,
  body: Enrollment,
  token: EnrollTokenRecord,
  at: string,
): Promise<{ deviceId: string; outcome: Outcome }> {
  const relabel = Object.keys(body.labels).length > 0;
  const device = await deps.store.updateDevice(known.id, {
    name: body.name,
    inventory: body.inventory,
    ...(relabel ? { labels: body.labels, exactLabels: true } : {}),
  });
  await deps.log.append({
    type: 'operator-action',
    at,
    by: token.createdBy,
    action: 'device-re-enrolled',
    target: known.id,
  });
  await logLabels(deps, known, device, token.createdBy, at);
  return { deviceId: known.id, outcome: 're-enrolled' };
}

/** A new host under an old id: history kept, the old key refused from now on. */
async function replaceKey(
  deps: Pick<AppDeps, 'store' | 'log'>,
  old: DeviceRecord,
  body: Enrollment,
  token: EnrollTokenRecord,
  at: string,
): Promise<{ deviceId: string; outcome: Outcome }> {
  const relabel = Object.keys(body.labels).length > 0;
  const device = await deps.store.updateDevice(old.id, {
    name: body.name,
    publicKey: body.publicKey,
    inventory: body.inventory,
    resetTimestampVersion: true,
    ...(relabel ? { labels: body.labels, exactLabels: true } : {}),
  });
  if (old.publicKey !== body.publicKey) {
    await deps.log.append({
      type: 'device-key-replaced',
      at,
      deviceId: old.id,
      publicKey: body.publicKey,
      previousKey: old.publicKey,
      by: token.createdBy,
    });
  }
  await logLabels(deps, old, device, token.createdBy, at);
  return { deviceId: old.id, outcome: 'replaced' };
}

async function logLabels(
  deps: Pick<AppDeps, 'log'>,
  before: DeviceRecord,
  after: DeviceRecord | undefined,
  by: string,
  at: string,
): Promise<void> {
  if (after === undefined || !labelsChanged(before.labels, after.labels)) return;
  await deps.log.append({
    type: 'device-labels-changed',
    at,
    deviceId: after.id,
    labels: { ...after.labels },
    by,
    via: 'enrollment',
  });
}
