import { unsafe, quote } from './bundle-error.js';

export const MAX_PATH_BYTES = 4096;
export const MAX_SEGMENT_BYTES = 255;

const LONE_SURROGATE = /\p{Cs}/u;
const encoder = new TextEncoder();

/** Checks a relative POSIX path against the bundle path rules; returns it unchanged. */
export function validateRelativePath(path: string): string {
  return checkPath(path, 'path');
}

/** As validateRelativePath, naming `field` (e.g. `files[3].path`) in the error. */
export function checkPath(path: string, field: string): string {
  const problem = pathProblem(path);
  if (problem !== undefined) throw unsafe(`${field} ${quote(String(path))} ${problem}`);
  return path;
}

function pathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\\')) return 'contains a backslash';
  if (hasControlCharacter(path)) return 'contains a NUL or control character';
  if (LONE_SURROGATE.test(path)) return 'is not valid Unicode';
  if (encoder.encode(path).length > MAX_PATH_BYTES) return `is longer than ${MAX_PATH_BYTES} bytes`;
  for (const segment of path.split('/')) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) return true;
  }
  return false;
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty segment';
  if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  if (encoder.encode(segment).length > MAX_SEGMENT_BYTES) {
    return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

/** Every proper ancestor of a valid relative path, outermost first: "a/b/c" -> ["a", "a/b"]. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * A symbolic link's target must be relative and, resolved lexically from the link's folder,
 * stay inside the managed root: `a/b/link -> ../c` is fine, `a/link -> ../../etc` escapes.
 */
export function checkSymlink(path: string, target: string, field: string): void {
  checkPath(path, `${field}.path`);
  const problem = targetProblem(path, target);
  if (problem !== undefined) throw unsafe(`${field}.target ${quote(String(target))} ${problem}`);
}

function targetProblem(path: string, target: string): string | undefined {
  if (target.startsWith('/')) return 'is absolute';
  if (hasControlCharacter(target)) return 'contains a NUL or control character';
  if (LONE_SURROGATE.test(target)) return 'is not valid Unicode';
  const depth = path.split('/').length - 1;
  let level = depth;
  for (const segment of target.split('/')) {
    if (segment === '..') level--;
    else if (segment !== '' && segment !== '.') level++;
    if (level < 0) return `escapes the managed root from ${quote(path)}`;
  }
  return undefined;
}
