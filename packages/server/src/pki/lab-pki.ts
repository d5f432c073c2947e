/**
 * A private certificate authority and a server certificate for labs and tests (`patchcast tls
 * init`): ECDSA P-256, built with @peculiar/x509 (no ASN.1 of our own). Production servers use
 * certificates from the organisation's own CA; the files have the same shape.
 */
import { isIP } from 'node:net';
import { PatchcastError } from '@patchcast/core';
import {
  CLOCK_SKEW_MS,
  DAY_MS,
  ISSUER_ALGORITHM as ALGORITHM,
  caExtensions,
  issuerKeys,
  privateKeyPem,
  serialNumber as serial,
  x509,
} from './x509-kit.js';

export interface LabPkiOptions {
  /** DNS names and IP addresses the server certificate is valid for (its subjectAltName). */
  readonly hosts: readonly string[];
  /** Validity of the server certificate; the CA lives ten times as long. */
  readonly days: number;
  readonly now?: Date;
}

/** PEM texts: the CA certificate and key, the server certificate (leaf, then CA) and key. */
export interface LabPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

/** Checks one `--hosts` entry: an IP address or a DNS name (a leading `*.` allowed). */
export function parseTlsHost(host: string): x509.JsonGeneralName {
  if (isIP(host) !== 0) return { type: 'ip', value: host };
  const label = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
  if (!new RegExp(`^(\\*\\.)?${label}(\\.${label})*$`, 'i').test(host) || host.length > 253)
    throw new PatchcastError(
      'USAGE',
      `--hosts: "${host}" is neither a DNS name nor an IP address`,
      {
        hint: 'give the names agents use to reach the server, e.g. --hosts patch.example.org,10.0.0.5',
      },
    );
  return { type: 'dns', value: host.toLowerCase() };
}

export async function createLabPki(options: LabPkiOptions): Promise<LabPki> {
  const names = options.hosts.map(parseTlsHost);
  if (names.length === 0)
    throw new PatchcastError('USAGE', '--hosts needs at least one name or address');
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const caKeys = await issuerKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Patchcast lab CA, O=Patchcast',
    notBefore,
    notAfter: new Date(now.getTime() + options.days * 10 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: await caExtensions(caKeys),
  });
  const serverKeys = await issuerKeys();
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0]?.value ?? 'patchcast'}`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(now.getTime() + options.days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return {
    caCert: caCert.toString('pem') + '\n',
    caKey: await privateKeyPem(caKeys.privateKey),
    serverCert: `${serverCert.toString('pem')}\n${caCert.toString('pem')}\n`,
    serverKey: await privateKeyPem(serverKeys.privateKey),
  };
}
