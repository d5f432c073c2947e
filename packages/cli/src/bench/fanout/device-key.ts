/**
 * A simulated device's Ed25519 key pair, made from 32 random seed bytes. Not `generateEd25519()`:
 * thousands of `generateKeyPairSync` calls in a row can deadlock Node 20 (a garbage-collected key
 * generation job locks the mutex that a JWK export in progress holds), which stalls a worker.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import type { Ed25519KeyPair } from '@patchcast/core';

const PKCS8_ED25519_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function newDeviceKey(): Ed25519KeyPair {
  const seed = randomBytes(32);
  const der = Buffer.concat([PKCS8_ED25519_SEED_PREFIX, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicHex: spki.subarray(-32).toString('hex'), seedHex: seed.toString('hex') };
}
