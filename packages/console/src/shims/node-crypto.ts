/**
 * The part of node:crypto that @patchcast/core's log verification calls, for the browser bundle
 * (vite.config.ts aliases node:crypto here): SHA-256 (@noble/hashes), constant-time comparison,
 * random bytes. Signing and key generation are not available in the console and throw.
 */
import { sha256 } from '@noble/hashes/sha2.js';

function unavailable(what: string): never {
  throw new Error(`${what} is not available in the console`);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

export function hash(algorithm: string, data: Uint8Array): Uint8Array {
  if (algorithm !== 'sha256') unavailable(`hash ${algorithm}`);
  return sha256(data);
}

export function createHash(algorithm: string): {
  update(data: Uint8Array | string): { digest(encoding: 'hex'): string };
} {
  if (algorithm !== 'sha256') unavailable(`hash ${algorithm}`);
  return { update: (data) => ({ digest: () => toHex(sha256(bytesOf(data))) }) };
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('timingSafeEqual: lengths differ');
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function randomBytes(size: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(size));
}

export const createPrivateKey = (): never => unavailable('createPrivateKey');
export const createPublicKey = (): never => unavailable('createPublicKey');
export const generateKeyPairSync = (): never => unavailable('generateKeyPairSync');
export const sign = (): never => unavailable('sign');
export const verify = (): never => unavailable('verify');
