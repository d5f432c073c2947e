import { createHash, timingSafeEqual } from 'node:crypto';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function toHex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

const HEX = /^(?:[0-9a-f]{2})*$/;

export function isHex(value: string, bytes?: number): boolean {
  return HEX.test(value) && (bytes === undefined || value.length === bytes * 2);
}

export function fromHex(value: string): Uint8Array {
  if (!isHex(value)) throw new TypeError('not a lowercase hex string');
  return new Uint8Array(Buffer.from(value, 'hex'));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function randomToken(bytes = 32): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString(
    'base64url',
  );
}
