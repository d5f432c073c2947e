/**
 * Device certificates' part of the Store (ADR 0030): every certificate the device CA issued, so
 * the CRL can name those that no longer speak for their device.
 */
export interface DeviceCertificateRecord {
  /** Hex serial number, as in the certificate. */
  readonly serial: string;
  readonly deviceId: string;
  /** The device key the certificate holds (hex Ed25519). */
  readonly publicKey: string;
  readonly issuedAt: string;
  readonly notAfter: string;
  /** The certificate itself (PEM), handed out again while it is young. */
  readonly certificate: string;
}

export interface DeviceCertificateStore {
  record(certificate: DeviceCertificateRecord): Promise<void>;
  /** The newest certificate issued for this device and key, if any. */
  latest(deviceId: string, publicKey: string): Promise<DeviceCertificateRecord | undefined>;
  /**
   * Serials of certificates not yet expired at `now` that must be refused: their device was
   * revoked or removed, or its key was replaced since they were issued.
   */
  refusedSerials(now: string): Promise<string[]>;
}

export interface DeviceCertificateRow {
  readonly serial: string;
  readonly device_id: string;
  readonly public_key: string;
  readonly issued_at: string;
  readonly not_after: string;
  readonly certificate: string;
}

export function toDeviceCertificate(row: DeviceCertificateRow): DeviceCertificateRecord {
  return {
    serial: row.serial,
    deviceId: row.device_id,
    publicKey: row.public_key,
    issuedAt: row.issued_at,
    notAfter: row.not_after,
    certificate: row.certificate,
  };
}
