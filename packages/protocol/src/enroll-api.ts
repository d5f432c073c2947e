/**
 * What an agent sends and gets back when it enrolls (the request's schema is in api.ts; the
 * answer's zod schema, for the server and the typed client, in enroll-api-schema.ts).
 */
import { canonicalBytes } from '@patchcast/core/base';
import { deviceCertificateGrantGuard } from './agent-channel-guards.js';
import { object, oneOf, optional, string } from './guard.js';
import type { Guard } from './guard.js';
import type { EnrollResponse } from './enroll-api-schema.js';

export const ENROLL_PURPOSE = 'patchcast-enroll/v1';

/** What an enrolling agent signs with its device key: the token it spends and the key. */
export function enrollStatement(token: string, publicKey: string): Uint8Array {
  return canonicalBytes({ purpose: ENROLL_PURPOSE, token, publicKey });
}

/** `re-enrolled`: the key was known, same device; `replaced`: a new key for `replaces`. */
export const ENROLL_OUTCOMES = ['enrolled', 're-enrolled', 'replaced'] as const;

/** The enrollment answer as the agent checks it (enroll-client.ts). */
export const enrollResponseGuard: Guard<EnrollResponse> = object({
  deviceId: string(),
  outcome: optional(oneOf(ENROLL_OUTCOMES)),
  deviceCertificate: optional(deviceCertificateGrantGuard),
});
