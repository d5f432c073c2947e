import { z } from 'zod';

/**
 * A device certificate (ADR 0030): the PEM certificate the device CA issued for the device's own
 * key, the device CA (PEM), and the URLs of the servers' agent-only listeners (empty when the
 * server has none): an agent holding a certificate dials those.
 */
export const deviceCertificateGrant = z.object({
  certificate: z.string().max(16_384),
  deviceCa: z.string().max(16_384),
  agentUrls: z.array(z.string().max(2048)).max(64),
});
export type DeviceCertificateGrant = z.infer<typeof deviceCertificateGrant>;
