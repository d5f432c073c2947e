/**
 * The X.509 pieces both of the server's certificate authorities use (the lab CA of `patchcast tls
 * init`, the device CA of ADR 0030): @peculiar/x509 on Node's WebCrypto (no ASN.1 of our own),
 * ECDSA P-256 issuers, random serial numbers and PEM private keys.
 */
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

export const ISSUER_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
export const DAY_MS = 24 * 3600 * 1000;
/** Certificates start a little in the past: a peer whose clock runs behind still accepts them. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A new ECDSA P-256 key pair for an issuer or a server. */
export function issuerKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ISSUER_ALGORITHM, true, ['sign', 'verify']);
}

/**
 * A positive serial number of 16 octets with 126 random bits (RFC 5280 §4.1.2.2: at most 20
 * octets), in hex. The first octet is never 0 and never has its top bit set, so the hex is the
 * minimal DER INTEGER content as it is: a CRL names it exactly as the certificate does.
 */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

/** An ECDSA P-256 private key from its PEM (PKCS #8), for signing certificates and CRLs. */
export function importIssuerKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ISSUER_ALGORITHM, true, ['sign']);
}

/** The CA extensions: may sign certificates and CRLs, no intermediate below it. */
export async function caExtensions(keys: webcrypto.CryptoKeyPair): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
}
