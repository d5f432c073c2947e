/** The log's proof answers as an agent checks them, without zod (the schemas: log-proof-api.ts). */
import { array, string, strictObject } from './guard.js';
import type { Guard } from './guard.js';
import type {
  ConsistencyProofResponse,
  KeyTransitionsResponse,
  PublicationProofResponse,
} from './log-proof-api.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const publicationProofGuard: Guard<PublicationProofResponse> = strictObject({
  entry: string({ max: 90_000, pattern: BASE64 }),
  proof: string({ max: 300_000 }),
});

export const consistencyProofGuard: Guard<ConsistencyProofResponse> = strictObject({
  hashes: array(string({ min: 44, max: 44, pattern: BASE64 }), { max: 128 }),
});

export const keyTransitionsGuard: Guard<KeyTransitionsResponse> = strictObject({
  transitions: array(string({ max: 16_384 }), { max: 1024 }),
});
