/** What an agent sends and gets back when it enrolls (the request's schema is in api.ts). */
import { z } from 'zod';
import { canonicalBytes } from '@patchcast/core/base';
import { deviceCertificateGrant } from './device-certificate-grant.js';

export const ENROLL_PURPOSE = 'patchcast-enroll/v1';

/** What an enrolling agent signs with its device key: the token it spends and the key. */
export function enrollStatement(token: string, publicKey: string): Uint8Array {
  return canonicalBytes({ purpose: ENROLL_PURPOSE, token, publicKey });
}

/** `re-enrolled`: the key was known, same device; `replaced`: a new key for `replaces`. */
export const ENROLL_OUTCOMES = ['enrolled', 're-enrolled', 'replaced'] as const;

export const enrollResponse = z.object({
  deviceId: z.string(),
  outcome: z.enum(ENROLL_OUTCOMES).optional(),
  /** Absent from servers older than device certificates. */
  deviceCertificate: deviceCertificateGrant.optional(),
});
