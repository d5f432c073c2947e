import { z } from 'zod';

/** The body of every error answer of the API (error-body-guard.ts checks it without zod). */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
