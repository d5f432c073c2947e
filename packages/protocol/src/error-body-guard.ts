/** The API's error body as an agent reads it (enrollment), without zod: see error-body.ts. */
import { object, optional, string } from './guard.js';
import type { Guard } from './guard.js';
import type { ErrorBody } from './error-body.js';

export const errorBodyGuard: Guard<ErrorBody> = object({
  error: object({ code: string(), message: string(), hint: optional(string()) }),
});
