/**
 * ML-DSA-65 public keys as TAP 21 puts them in `keyval.public`: the PEM encoding of the DER
 * SubjectPublicKeyInfo of RFC 9881 (algorithm id-ml-dsa-65, 2.16.840.1.101.3.4.3.18, with absent
 * parameters; the raw FIPS 204 public key as the BIT STRING). The encoder writes what pyca/
 * cryptography writes (64-column base64, trailing newline); the decoder accepts only that DER.
 */
import { equalBytes, fromHex } from '../bytes.js';

export const ML_DSA_65_PUBLIC_KEY_BYTES = 1952;

/** SEQUENCE(1970) { SEQUENCE(11) { OID id-ml-dsa-65 }, BIT STRING(1953) { 0 unused bits, pk } } */
const SPKI_PREFIX = fromHex('308207b2300b0609608648016503040312038207a100');
const BEGIN = '-----BEGIN PUBLIC KEY-----';
const END = '-----END PUBLIC KEY-----';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function mlDsa65PublicKeyPem(publicKey: Uint8Array): string {
  if (publicKey.length !== ML_DSA_65_PUBLIC_KEY_BYTES) {
    throw new TypeError(`an ML-DSA-65 public key is ${ML_DSA_65_PUBLIC_KEY_BYTES} bytes`);
  }
  const base64 = Buffer.concat([SPKI_PREFIX, publicKey]).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

/** The raw public key inside a PEM SubjectPublicKeyInfo, or undefined for anything else. */
export function mlDsa65PublicKeyFromPem(pem: string): Uint8Array | undefined {
  const lf = pem.replace(/\r\n/g, '\n');
  const text = lf.endsWith('\n') ? lf.slice(0, -1) : lf;
  if (!text.startsWith(`${BEGIN}\n`) || !text.endsWith(`\n${END}`)) return undefined;
  const body = text.slice(BEGIN.length + 1, -END.length - 1).replace(/\n/g, '');
  if (!BASE64.test(body)) return undefined;
  const der = Buffer.from(body, 'base64');
  if (der.toString('base64') !== body) return undefined;
  if (der.length !== SPKI_PREFIX.length + ML_DSA_65_PUBLIC_KEY_BYTES) return undefined;
  if (!equalBytes(der.subarray(0, SPKI_PREFIX.length), SPKI_PREFIX)) return undefined;
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}
