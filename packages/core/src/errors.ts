/**
 * Error codes and the one error class. Every failure a user can cause carries a code of the
 * catalog (error-catalog/): what it means, its HTTP status and what to do are there, in one row.
 */
import { ERROR_CATALOG } from './error-catalog/index.js';
import type { ErrorEntry } from './error-catalog/index.js';

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODE_LIST = Object.keys(ERROR_CATALOG) as readonly ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

/** The status the server answers a code with; a code that never crosses HTTP is a 500. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].http ?? 500;
}

/** Whether the same request may succeed later, unchanged (the catalog's `retryable`). */
export function isRetryable(code: ErrorCode): boolean {
  const entry: ErrorEntry = ERROR_CATALOG[code];
  return entry.retryable === true;
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

export type SecurityCode = Extract<ErrorCode, `SECURITY_${string}`>;

function isSecurityCode(code: ErrorCode): code is SecurityCode {
  return code.startsWith('SECURITY_');
}

/**
 * The error for a code known only at run time (read from the wire, a catalog lookup): a
 * SecurityError for SECURITY_* codes, so that a security failure stays one after crossing a
 * process boundary; a PatchcastError otherwise.
 */
export function errorFromCode(
  code: ErrorCode,
  message: string,
  options: ErrorOptions = {},
): PatchcastError {
  return isSecurityCode(code)
    ? new SecurityError(code, message, options)
    : new PatchcastError(code, message, options);
}

export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof PatchcastError ? error.code : 'INTERNAL';
}
