/**
 * RPM package versions ([epoch:]version[-release], "EVR") ordered exactly as rpm orders them:
 * rpmvercmp (rpm lib/rpmvercmp.c) on each of epoch, version and release (rpmverCmp in
 * lib/rpmver.c, rpm >= 4.16). A missing epoch is 0 and a missing release sorts before any
 * release (even '~'), so '1.0' sorts before '1.0-1' and '1.0-~', as rpm.vercmp says. Parsing follows rpm's parseEVR and refuses
 * what rpmbuild never writes: characters outside alphanumerics and . _ + ~ ^, an empty part.
 */
import type { VersionEcosystem } from './ecosystems.js';
import { checkVersionText, invalidVersion } from './invalid-version.js';

export interface RpmVersion {
  readonly kind: 'rpm';
  /** The version as written: rpm performs no normalisation. */
  readonly normalized: string;
  /** The digits before ':', '0' when absent (compared numerically). */
  readonly epoch: string;
  readonly version: string;
  /** After the last '-'; '' when absent. */
  readonly release: string;
}

const HINT =
  'An RPM version is [epoch:]version[-release]: epoch digits, then alphanumerics and . _ + ~ ^.';
const EPOCH = /^[0-9]{1,10}$/;
/** rpmbuild's ALLOWED_CHARS_VERREL once macros are expanded: alphanumerics and . _ + ~ ^. */
const PART = /^[A-Za-z0-9._+~^]+$/;

/** parseEVR (rpm lib/rpmds.c): leading digits then ':' are the epoch; the last '-' ends version. */
export function parseRpm(input: string, ecosystem: VersionEcosystem = 'Red Hat'): RpmVersion {
  const text = checkVersionText(ecosystem, input, HINT);
  const colon = text.indexOf(':');
  const epoch = colon < 0 ? '0' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen < 0 ? rest : rest.slice(0, hyphen);
  const release = hyphen < 0 ? undefined : rest.slice(hyphen + 1);
  const problem = !EPOCH.test(epoch)
    ? 'the epoch must be 1 to 10 digits'
    : !PART.test(version)
      ? 'the version must be non-empty: alphanumerics and . _ + ~ ^ only'
      : release !== undefined && !PART.test(release)
        ? 'the release must be non-empty: alphanumerics and . _ + ~ ^ only'
        : undefined;
  if (problem !== undefined) throw invalidVersion(ecosystem, text, problem, HINT);
  return { kind: 'rpm', normalized: text, epoch, version, release: release ?? '' };
}

const TILDE = '~';
const CARET = '^';

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** Characters rpmvercmp skips: everything but alphanumerics, '~' and '^'. */
function isSeparator(c: string): boolean {
  return c !== '' && !isDigit(c) && !isAlpha(c) && c !== TILDE && c !== CARET;
}

function skip(s: string, at: number): number {
  let i = at;
  while (isSeparator(s.charAt(i))) i++;
  return i;
}

function segmentEnd(s: string, at: number, numeric: boolean): number {
  let i = at;
  while (i < s.length && (numeric ? isDigit(s.charAt(i)) : isAlpha(s.charAt(i)))) i++;
  return i;
}

function sign(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric segments: leading zeros dropped, more digits wins, then digit order. */
function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length !== y.length ? Math.sign(x.length - y.length) : sign(x, y);
}

/** '~' sorts before anything, even the end; '^' after the end but before anything else. */
function compareMarks(a: string, b: string): number | undefined {
  if (a === TILDE || b === TILDE) return a === b ? 0 : a === TILDE ? -1 : 1;
  if (a !== CARET && b !== CARET) return undefined;
  if (a === '') return -1;
  if (b === '') return 1;
  return a === b ? 0 : a === CARET ? -1 : 1;
}

/** A line-by-line port of rpmvercmp (rpm lib/rpmvercmp.c). */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    i = skip(a, i);
    j = skip(b, j);
    const mark = compareMarks(a.charAt(i), b.charAt(j));
    if (mark !== undefined) {
      if (mark !== 0) return mark;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a.charAt(i));
    const endA = segmentEnd(a, i, numeric);
    const endB = segmentEnd(b, j, numeric);
    // Different kinds (the other segment is empty): numeric segments are newer than alpha ones.
    if (endB === j) return numeric ? 1 : -1;
    const [x, y] = [a.slice(i, endA), b.slice(j, endB)];
    const diff = numeric ? compareNumeric(x, y) : sign(x, y);
    if (diff !== 0) return diff;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** rpmverCmp: epochs, then versions, then releases, each with rpmvercmp. */
export function compareRpm(a: RpmVersion, b: RpmVersion): number {
  return (
    rpmvercmp(a.epoch, b.epoch) ||
    rpmvercmp(a.version, b.version) ||
    compareReleases(a.release, b.release)
  );
}

/**
 * A missing release (`''`: the parser refuses an empty one) sorts before every release, even one
 * that rpmvercmp would put before the empty string (`~`): rpm 4.18's rpm.vercmp("1", "1-~") is -1.
 */
function compareReleases(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  return rpmvercmp(a, b);
}
