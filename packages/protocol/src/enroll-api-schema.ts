/** The enrollment answer's zod schema (the server's OpenAPI and the typed client). */
import { z } from 'zod';
import { deviceCertificateGrant } from './device-certificate-grant.js';
import { ENROLL_OUTCOMES } from './enroll-api.js';

export const enrollResponse = z.object({
  deviceId: z.string(),
  outcome: z.enum(ENROLL_OUTCOMES).optional(),
  /** Absent from servers older than device certificates. */
  deviceCertificate: deviceCertificateGrant.optional(),
});
export type EnrollResponse = z.infer<typeof enrollResponse>;
