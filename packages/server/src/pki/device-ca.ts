/**
 * The device CA (ADR 0030): an ECDSA P-256 key and self-signed certificate in
 * `<data>/keys/device-ca.{key,pem}`, made at the first start like the other online keys (cluster
 * nodes get a copy of keys/). It signs each device's certificate for the device's own enrolled
 * Ed25519 key, and the CRL the agent listener checks in every handshake.
 */
import { KeyObject, createHash, sign, webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError, ed25519Spki } from '@patchcast/core';
import {
  CLOCK_SKEW_MS,
  DAY_MS,
  ISSUER_ALGORITHM,
  caExtensions,
  importIssuerKey,
  issuerKeys,
  privateKeyPem,
  serialNumber,
  x509,
} from './x509-kit.js';

export interface DeviceCa {
  /** The CA certificate (PEM): the trust anchor of the agent listener's client-certificate check. */
  readonly certificate: string;
  /** SHA-256 of the certificate's DER, hex: every node of one database must hold the same CA. */
  readonly fingerprint: string;
  readonly cert: x509.X509Certificate;
  readonly key: webcrypto.CryptoKey;
}

export interface IssuedCertificate {
  readonly certificate: string;
  readonly serial: string;
  readonly notAfter: string;
}

/** How long a device certificate is valid; agents renew it after two thirds (ADR 0030). */
export const DEVICE_CERT_DAYS = 30;
const URN = 'urn:patchcast:device:';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

export function deviceCaPaths(dataDir: string): { key: string; certificate: string } {
  return {
    key: join(dataDir, 'keys', 'device-ca.key'),
    certificate: join(dataDir, 'keys', 'device-ca.pem'),
  };
}

/**
 * Loads the device CA, making it when the data folder has none. The key file is written last, so
 * a start interrupted while making it leaves no CA half-made (the next start makes a new one).
 */
export async function ensureDeviceCa(
  dataDir: string,
  now: Date,
): Promise<{ readonly ca: DeviceCa; readonly created: boolean }> {
  const paths = deviceCaPaths(dataDir);
  const created = !(await exists(paths.key));
  if (created) await createDeviceCa(dataDir, now);
  if (((await stat(paths.key)).mode & 0o077) !== 0)
    throw new PatchcastError('KEY_INVALID', `${paths.key} is readable by other users`, {
      hint: `chmod 600 ${paths.key}`,
    });
  const certificate = await readFile(paths.certificate, 'utf8').catch(() => {
    throw new PatchcastError('KEY_INVALID', `${paths.key} has no certificate beside it`, {
      hint: `restore ${paths.certificate} from the node that made the device CA`,
    });
  });
  try {
    const cert = new x509.X509Certificate(certificate);
    const key = await importIssuerKey(await readFile(paths.key, 'utf8'));
    const fingerprint = createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex');
    return { ca: { certificate, fingerprint, cert, key }, created };
  } catch (error) {
    throw new PatchcastError(
      'KEY_INVALID',
      `the device CA in ${paths.key} and ${paths.certificate} is unreadable: ${(error as Error).message}`,
      { hint: 'restore both files from a backup, or from another node of this cluster' },
    );
  }
}

async function createDeviceCa(dataDir: string, now: Date): Promise<void> {
  const paths = deviceCaPaths(dataDir);
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const keys = await issuerKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=Patchcast device CA, O=Patchcast',
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY_MS),
    signingAlgorithm: ISSUER_ALGORITHM,
    keys,
    extensions: await caExtensions(keys),
  });
  const suffix = `.tmp-${process.pid}`;
  await writeFile(paths.certificate + suffix, `${cert.toString('pem')}\n`, { mode: 0o644 });
  await writeFile(paths.key + suffix, await privateKeyPem(keys.privateKey), { mode: 0o600 });
  await rename(paths.certificate + suffix, paths.certificate);
  await rename(paths.key + suffix, paths.key);
}

/**
 * A certificate for `deviceId` whose SubjectPublicKeyInfo is the device's enrolled Ed25519 key
 * (64 hex characters): the TLS handshake then proves holding the same key as the channel's
 * challenge. CN and a `urn:patchcast:device:<id>` URI name the device; client authentication only.
 */
export async function issueDeviceCertificate(
  ca: DeviceCa,
  deviceId: string,
  publicKeyHex: string,
  now: Date,
): Promise<IssuedCertificate> {
  const spki = ed25519Spki(publicKeyHex);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, true, [
    'verify',
  ]);
  const serial = serialNumber();
  const notAfter = new Date(now.getTime() + DEVICE_CERT_DAYS * DAY_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${deviceId}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter,
    signingAlgorithm: ISSUER_ALGORITHM,
    publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `${URN}${deviceId}` }]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { certificate: `${cert.toString('pem')}\n`, serial, notAfter: notAfter.toISOString() };
}

/**
 * The CRL of `serials` (distinct hex serial numbers), signed by the device CA, in the PEM form
 * OpenSSL reads. Assembled from @peculiar/asn1-x509's types and signed with Node's crypto: the
 * library's CRL generator checks each entry against all before it (quadratic: 14 s for 10,000
 * serials, `patchcast bench tls`), this is linear. It has no nextUpdate: the listener installs a
 * new one on every revocation, and an old one never expires into refusing every device.
 */
export function deviceCrl(ca: DeviceCa, serials: readonly string[], now: Date): string {
  const algorithm = new asn1.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const revocationDate = new asn1.Time(now);
  const tbs = new asn1.TBSCertList({
    version: asn1.Version.v2,
    signature: algorithm,
    issuer: AsnConvert.parse(ca.cert.subjectName.toArrayBuffer(), asn1.Name),
    thisUpdate: new asn1.Time(now),
    ...(serials.length === 0
      ? {}
      : {
          revokedCertificates: serials.map(
            (serial) =>
              new asn1.RevokedCertificate({
                userCertificate: serialBytes(serial),
                revocationDate,
              }),
          ),
        }),
  });
  const tbsBytes = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsBytes, {
    key: KeyObject.from(ca.key),
    dsaEncoding: 'der',
  });
  const crl = new asn1.CertificateList({
    tbsCertList: tbs,
    signatureAlgorithm: algorithm,
    signature: new Uint8Array(signature).buffer,
  });
  const body = Buffer.from(AsnConvert.serialize(crl))
    .toString('base64')
    .replace(/.{64}/g, '$&\n')
    .trimEnd();
  return `-----BEGIN X509 CRL-----\n${body}\n-----END X509 CRL-----\n`;
}

/**
 * A serial number's minimal DER INTEGER content: no leading zero octets (OpenSSL refuses a CRL
 * with a non-minimal one), then one 0x00 if the top bit is set, so the number stays positive.
 */
function serialBytes(hex: string): ArrayBuffer {
  let bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  const positive = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return new Uint8Array(positive).buffer;
}

/** The device a peer certificate names (its `urn:patchcast:device:` URI), if any. */
export function deviceIdOfUri(uri: string): string | undefined {
  return uri.startsWith(URN) ? uri.slice(URN.length) : undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
