/**
 * The error catalog, one row per code: what it means (`summary`), the HTTP status the server
 * answers it with (`null`: it never crosses HTTP; it comes from the CLI or an agent, and an
 * unexpected one answers 500), and what to do (`hint`, the line the CLI prints as `hint: ...` and
 * HTTP answers carry when the thrower names nothing more specific). docs/errors.md is rendered
 * from this table (`node scripts/render-errors-doc.mjs`) and a test keeps the two equal.
 *
 * Security codes (SECURITY_*) come from verification: they are never retried, always reported
 * and never swallowed.
 */
import type { ErrorEntry } from './entry.js';
import { ENVIRONMENT_ERRORS } from './environment.js';
import { REQUEST_ERRORS } from './requests.js';

export type { ErrorEntry } from './entry.js';

export const ERROR_CATALOG = {
  ...REQUEST_ERRORS,
  ...ENVIRONMENT_ERRORS,
} as const satisfies Readonly<Record<string, ErrorEntry>>;
