/**
 * Debian package versions as defined by deb-version(7) and ordered exactly as dpkg orders them
 * (lib/dpkg/version.c: dpkg_version_compare and verrevcmp). Parsing follows deb-version(7) where
 * dpkg's parseversion is laxer: no surrounding blanks, an all-digit epoch, no ':' in upstream.
 */
import { checkVersionText, invalidVersion } from './invalid-version.js';
import { compareValues } from './order.js';

/** deb-version(7): [epoch:]upstream-version[-debian-revision]. */
export interface DebianVersion {
  readonly kind: 'debian';
  /** The version as written: dpkg performs no normalisation. */
  readonly normalized: string;
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

const HINT = 'A Debian version is [epoch:]upstream-version[-debian-revision]; see deb-version(7).';
/** deb-version(7) "epoch": a single (generally small) unsigned integer; dpkg caps it at INT_MAX. */
const MAX_EPOCH = 2147483647;
const EPOCH = /^[0-9]{1,10}$/;
/** deb-version(7) "upstream-version": starts with a digit; alphanumerics and . + - ~ only. */
const UPSTREAM = /^[0-9][A-Za-z0-9.+~-]*$/;
/** deb-version(7) "debian-revision": alphanumerics and + . ~ only. */
const REVISION = /^[A-Za-z0-9.+~]+$/;

function parseEpoch(text: string): number | undefined {
  const epoch = EPOCH.test(text) ? Number(text) : Number.NaN;
  return epoch <= MAX_EPOCH ? epoch : undefined;
}

function splitRevision(rest: string): readonly [string, string | undefined] {
  const hyphen = rest.lastIndexOf('-');
  return hyphen < 0 ? [rest, undefined] : [rest.slice(0, hyphen), rest.slice(hyphen + 1)];
}

function problemOf(upstream: string, revision: string | undefined): string | undefined {
  if (upstream === '') return 'the upstream version is empty';
  if (!UPSTREAM.test(upstream)) {
    return 'the upstream version must start with a digit; then only alphanumerics and . + - ~';
  }
  if (revision !== undefined && !REVISION.test(revision)) {
    return 'the revision must be non-empty and contain only alphanumerics and . + ~';
  }
  return undefined;
}

/** deb-version(7): the first ':' ends the epoch and the last '-' starts the revision. */
export function parseDebian(input: string): DebianVersion {
  const text = checkVersionText('Debian', input, HINT);
  const colon = text.indexOf(':');
  const epoch = colon < 0 ? 0 : parseEpoch(text.slice(0, colon));
  if (epoch === undefined) {
    const reason = `the epoch must be an integer from 0 to ${MAX_EPOCH}`;
    throw invalidVersion('Debian', text, reason, HINT);
  }
  const [upstream, revision] = splitRevision(text.slice(colon + 1));
  const problem = problemOf(upstream, revision);
  if (problem !== undefined) throw invalidVersion('Debian', text, problem, HINT);
  return { kind: 'debian', normalized: text, epoch, upstream, revision: revision ?? '' };
}

const TILDE = 0x7e;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * deb-version(7) "Sorting algorithm": ASCII order modified so that letters sort before
 * non-letters and '~' sorts before anything, even the end of a part (weight 0).
 */
function weight(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0;
  if (isLetter(code)) return code;
  return code === TILDE ? -1 : code + 256;
}

function compareLexical(a: string, b: string): number {
  for (let i = 0; i < a.length || i < b.length; i++) {
    const diff = weight(a.charCodeAt(i)) - weight(b.charCodeAt(i));
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** Compares digit strings by numeric value (an empty string counts as 0). */
function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return Math.sign(x.length - y.length);
  return compareValues(x, y);
}

const PART = /([^0-9]*)([0-9]*)/y;

function nextPart(s: string, at: number): readonly [string, string, number] {
  PART.lastIndex = at;
  const match = PART.exec(s);
  return [match?.[1] ?? '', match?.[2] ?? '', PART.lastIndex];
}

/**
 * dpkg's verrevcmp, as described in deb-version(7) "Sorting algorithm": alternate non-digit
 * parts (compared lexically with weight) and digit parts (compared numerically).
 */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const [lexA, numA, nextA] = nextPart(a, i);
    const [lexB, numB, nextB] = nextPart(b, j);
    const diff = compareLexical(lexA, lexB) || compareNumeric(numA, numB);
    if (diff !== 0) return diff;
    i = nextA;
    j = nextB;
  }
  return 0;
}

/** deb-version(7): compare epochs numerically, then upstream versions, then revisions. */
export function compareDebian(a: DebianVersion, b: DebianVersion): number {
  return (
    compareValues(a.epoch, b.epoch) ||
    verrevcmp(a.upstream, b.upstream) ||
    verrevcmp(a.revision, b.revision)
  );
}
