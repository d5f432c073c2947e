/**
 * A private certificate authority and a server certificate for labs and tests (`patchcast tls
 * init`): ECDSA P-256, built with @peculiar/x509 (no ASN.1 of our own). Production servers use
 * certificates from the organisation's own CA; the files have the same shape.
 */
import 'reflect-metadata';
import { isIP } from 'node:net';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { PatchcastError } from '@patchcast/core';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

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
  const notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  const subtle = webcrypto.subtle;
  const caKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Patchcast lab CA, O=Patchcast',
    notBefore,
    notAfter: new Date(now.getTime() + options.days * 10 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
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

/** A positive 127-bit serial number, as CAs use (RFC 5280 §4.1.2.2: at most 20 octets). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}
