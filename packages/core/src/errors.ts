/**
 * Error codes and the one error class. Every failure a user can cause carries a code of the
 * catalog (error-catalog/): what it means, its HTTP status and what to do are there, in one row.
 */
import { ERROR_CATALOG } from './error-catalog/index.js';

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODE_LIST = Object.keys(ERROR_CATALOG) as readonly ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

/** The status the server answers a code with; a code that never crosses HTTP is a 500. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].http ?? 500;
}

export interface ErrorOptions {
  /** What the user can do next; without one, the catalog's hint for the code. */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/** The one error class of Patchcast: a stable code, a one-line cause, and what to do next. */
export class PatchcastError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchcastError';
    this.code = code;
    // A code from elsewhere (an HTTP answer of a newer server) may have no catalog hint.
    this.hint = options.hint ?? (isErrorCode(code) ? ERROR_CATALOG[code].hint : undefined);
  }

  get isSecurity(): boolean {
    return this.code.startsWith('SECURITY_');
  }
}

/** A verification failure: distinct so that callers never retry or swallow it. */
export class SecurityError extends PatchcastError {
  constructor(code: ErrorCode & `SECURITY_${string}`, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SecurityError';
  }
}

export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof PatchcastError ? error.code : 'INTERNAL';
}
