/** Checks shared by every version grammar, and the one error a malformed version raises. */
import { PatchcastError } from '../errors.js';
import type { VersionEcosystem } from './ecosystems.js';

/** Longer strings are refused before any grammar runs. */
export const MAX_VERSION_LENGTH = 256;

const QUOTE_LIMIT = 64;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const WHITESPACE = /\s/;

/** A JSON-quoted, bounded prefix of untrusted input, safe to put in a one-line message. */
export function quoteInput(input: unknown): string {
  if (typeof input !== 'string') return `(a ${typeof input}, not a string)`;
  const shown = input.length > QUOTE_LIMIT ? `${input.slice(0, QUOTE_LIMIT)}...` : input;
  return JSON.stringify(shown);
}

export function invalidVersion(
  ecosystem: VersionEcosystem,
  version: unknown,
  reason: string,
  hint: string,
): PatchcastError {
  return new PatchcastError(
    'INVALID_INPUT',
    `Invalid ${ecosystem} version ${quoteInput(version)}: ${reason}.`,
    { hint },
  );
}

function textProblem(version: string): string | undefined {
  if (version === '') return 'it is empty';
  if (version.length > MAX_VERSION_LENGTH) {
    return `it is longer than ${MAX_VERSION_LENGTH} characters (${version.length})`;
  }
  if (WHITESPACE.test(version)) return 'it contains whitespace';
  if (!PRINTABLE_ASCII.test(version)) return 'it contains a character outside printable ASCII';
  return undefined;
}

/** Refuses non-strings, empty or overlong strings, whitespace and non-ASCII before parsing. */
export function checkVersionText(
  ecosystem: VersionEcosystem,
  version: unknown,
  hint: string,
): string {
  if (typeof version !== 'string') {
    throw invalidVersion(ecosystem, version, 'a version must be a string', hint);
  }
  const problem = textProblem(version);
  if (problem !== undefined) throw invalidVersion(ecosystem, version, problem, hint);
  return version;
}
