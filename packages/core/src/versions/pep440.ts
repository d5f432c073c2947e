/**
 * Python package versions (PyPI) as defined by PEP 440: the grammar of Appendix B, the spellings
 * of "Normalization", and the ordering of "Summary of permitted suffixes and relative ordering".
 */
import { checkVersionText, invalidVersion } from './invalid-version.js';
import { compareValues } from './order.js';

export type PreReleaseLabel = 'a' | 'b' | 'rc';

export interface Pep440Version {
  readonly kind: 'pep440';
  /** The normalised form ("Normalization"), e.g. '1.0-ALPHA_1' -> '1.0a1'. */
  readonly normalized: string;
  readonly epoch: bigint;
  readonly release: readonly bigint[];
  readonly pre: { readonly label: PreReleaseLabel; readonly number: bigint } | undefined;
  readonly post: bigint | undefined;
  readonly dev: bigint | undefined;
  /** "Local version identifiers": lower-case segments, separators normalised to '.'. */
  readonly local: readonly string[];
}

const HINT =
  'A PyPI version follows PEP 440: [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], e.g. 1.0rc1.';

/**
 * Appendix B "Parsing version strings with regular expressions", case-insensitive. Leading and
 * trailing whitespace is refused rather than stripped: callers trim at their boundary.
 */
const PEP440 = new RegExp(
  '^v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?:[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?:-(?<postN1>[0-9]+)|[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?)?' +
    '(?:[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$',
  'i',
);

/** "Pre-release spelling": alpha -> a, beta -> b, c / pre / preview -> rc. */
const PRE_LABELS: Readonly<Record<string, PreReleaseLabel>> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  pre: 'rc',
  preview: 'rc',
  rc: 'rc',
};

const DIGITS = /^[0-9]+$/;

type Groups = Readonly<Partial<Record<string, string>>>;

/** "Implicit ... number": a missing pre, post or dev number means 0. */
function number(digits: string | undefined): bigint {
  return BigInt(digits ?? '0');
}

function preOf(groups: Groups): Pep440Version['pre'] {
  const label = PRE_LABELS[groups['preL']?.toLowerCase() ?? ''];
  return label === undefined ? undefined : { label, number: number(groups['preN']) };
}

/** "Implicit post releases" (1.0-1) and "Post release spelling" (rev, r). */
function postOf(groups: Groups): bigint | undefined {
  if (groups['postN1'] !== undefined) return BigInt(groups['postN1']);
  return groups['postL'] === undefined ? undefined : number(groups['postN2']);
}

/** "Integer Normalization" applies to purely numeric local segments only. */
function localOf(local: string | undefined): readonly string[] {
  const segments = local?.toLowerCase().split(/[-_.]/) ?? [];
  return segments.map((s) => (DIGITS.test(s) ? BigInt(s).toString() : s));
}

function format(v: Omit<Pep440Version, 'kind' | 'normalized'>): string {
  const epoch = v.epoch === 0n ? '' : `${v.epoch}!`;
  const pre = v.pre === undefined ? '' : `${v.pre.label}${v.pre.number}`;
  const post = v.post === undefined ? '' : `.post${v.post}`;
  const dev = v.dev === undefined ? '' : `.dev${v.dev}`;
  const local = v.local.length === 0 ? '' : `+${v.local.join('.')}`;
  return `${epoch}${v.release.join('.')}${pre}${post}${dev}${local}`;
}

export function parsePep440(input: string): Pep440Version {
  const text = checkVersionText('PyPI', input, HINT);
  const groups: Groups | undefined = PEP440.exec(text)?.groups;
  if (groups === undefined) {
    throw invalidVersion('PyPI', text, 'it does not match the PEP 440 grammar', HINT);
  }
  const parts = {
    epoch: number(groups['epoch']),
    release: (groups['release'] ?? '0').split('.').map((n) => BigInt(n)),
    pre: preOf(groups),
    post: postOf(groups),
    dev: groups['devL'] === undefined ? undefined : number(groups['devN']),
    local: localOf(groups['local']),
  };
  return { kind: 'pep440', normalized: format(parts), ...parts };
}

/** "Release segment": compared component by component, the shorter padded with zeros. */
function compareRelease(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < a.length || i < b.length; i++) {
    const diff = compareValues(a[i] ?? 0n, b[i] ?? 0n);
    if (diff !== 0) return diff;
  }
  return 0;
}

const LABEL_RANK: Readonly<Record<PreReleaseLabel, number>> = { a: 0, b: 1, rc: 2 };

/**
 * "Summary of permitted suffixes and relative ordering": a developmental release of a final
 * release (1.0.dev1) sorts before its pre-releases, which sort before the final release.
 */
function preRank(v: Pep440Version): readonly [number, number, bigint] {
  if (v.pre !== undefined) return [1, LABEL_RANK[v.pre.label], v.pre.number];
  const devOfFinal = v.post === undefined && v.dev !== undefined;
  return [devOfFinal ? 0 : 2, 0, 0n];
}

function comparePre(a: Pep440Version, b: Pep440Version): number {
  const [x, y] = [preRank(a), preRank(b)];
  return Math.sign(x[0] - y[0]) || Math.sign(x[1] - y[1]) || compareValues(x[2], y[2]);
}

/** Post-releases sort after their base; developmental releases sort before theirs. */
function compareOptional(a: bigint | undefined, b: bigint | undefined, absent: -1 | 1): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? absent : -absent;
  return compareValues(a, b);
}

/**
 * "Local version identifiers": numeric segments compare as integers and above alphanumeric ones,
 * which compare lexicographically; a longer local version with an equal prefix is greater.
 */
function compareLocalSegment(a: string, b: string): number {
  const [aNumeric, bNumeric] = [DIGITS.test(a), DIGITS.test(b)];
  if (aNumeric && bNumeric) return compareValues(BigInt(a), BigInt(b));
  if (aNumeric !== bNumeric) return aNumeric ? 1 : -1;
  return compareValues(a, b);
}

function compareLocal(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const diff = compareLocalSegment(a[i] ?? '', b[i] ?? '');
    if (diff !== 0) return diff;
  }
  return Math.sign(a.length - b.length);
}

/** Epoch, release, pre, post, dev, then local ("Version scheme" ordering). */
export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  return (
    compareValues(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    comparePre(a, b) ||
    compareOptional(a.post, b.post, -1) ||
    compareOptional(a.dev, b.dev, 1) ||
    compareLocal(a.local, b.local)
  );
}
