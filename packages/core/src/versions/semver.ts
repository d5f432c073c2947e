/**
 * Semantic Versioning 2.0.0 (semver.org): the grammar of §2, §9 and §10 and the precedence of §11.
 * 'npm' takes the grammar as written; 'SemVer' (OSV) also accepts one leading 'v', as in Git tags.
 */
import { checkVersionText, invalidVersion } from './invalid-version.js';
import { compareValues } from './order.js';

export interface SemVerVersion {
  readonly kind: 'semver';
  /** The version without a leading 'v'. */
  readonly normalized: string;
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly prerelease: readonly string[];
  /** §10: build metadata, ignored by precedence. */
  readonly build: readonly string[];
}

export type SemVerEcosystem = 'npm' | 'SemVer';

const HINT = 'A semantic version is MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]; see semver.org.';
/** §2: a non-negative integer without leading zeroes. */
const NUMERIC = /^(?:0|[1-9][0-9]*)$/;
const DIGITS = /^[0-9]+$/;
/** §9: alphanumerics and hyphens; numeric identifiers must not include leading zeroes. */
const PRERELEASE_ID = /^(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)$/;
/** §10: alphanumerics and hyphens, non-empty. */
const BUILD_ID = /^[0-9A-Za-z-]+$/;

interface Sections {
  readonly core: string;
  readonly prerelease: string | undefined;
  readonly build: string | undefined;
}

function splitSections(text: string): Sections {
  const plus = text.indexOf('+');
  const head = plus < 0 ? text : text.slice(0, plus);
  const build = plus < 0 ? undefined : text.slice(plus + 1);
  const hyphen = head.indexOf('-');
  if (hyphen < 0) return { core: head, prerelease: undefined, build };
  return { core: head.slice(0, hyphen), prerelease: head.slice(hyphen + 1), build };
}

function identifiers(section: string | undefined): readonly string[] {
  return section === undefined ? [] : section.split('.');
}

function problemOf(core: readonly string[], sections: Sections): string | undefined {
  if (core.length !== 3) return 'the version core must be MAJOR.MINOR.PATCH (§2)';
  if (!core.every((part) => NUMERIC.test(part))) {
    return 'MAJOR, MINOR and PATCH must be integers without leading zeroes (§2)';
  }
  if (!identifiers(sections.prerelease).every((id) => PRERELEASE_ID.test(id))) {
    return 'pre-release identifiers must be non-empty [0-9A-Za-z-], without leading zeroes (§9)';
  }
  if (!identifiers(sections.build).every((id) => BUILD_ID.test(id))) {
    return 'build identifiers must be non-empty [0-9A-Za-z-] (§10)';
  }
  return undefined;
}

export function parseSemVer(input: string, ecosystem: SemVerEcosystem): SemVerVersion {
  const text = checkVersionText(ecosystem, input, HINT);
  const bare = ecosystem === 'SemVer' && text.startsWith('v') ? text.slice(1) : text;
  const sections = splitSections(bare);
  const core = sections.core.split('.');
  const problem =
    ecosystem === 'npm' && text.startsWith('v')
      ? "npm versions take no leading 'v'"
      : problemOf(core, sections);
  if (problem !== undefined) throw invalidVersion(ecosystem, text, problem, HINT);
  const [major, minor, patch] = core.map((part) => BigInt(part));
  return {
    kind: 'semver',
    normalized: bare,
    major: major ?? 0n,
    minor: minor ?? 0n,
    patch: patch ?? 0n,
    prerelease: identifiers(sections.prerelease),
    build: identifiers(sections.build),
  };
}

/**
 * §11.4.1-3: numeric identifiers compare numerically, alphanumeric ones in ASCII order, and
 * numeric identifiers have lower precedence than alphanumeric ones.
 */
function compareIdentifier(a: string, b: string): number {
  const aNumeric = DIGITS.test(a);
  const bNumeric = DIGITS.test(b);
  if (aNumeric && bNumeric) return compareValues(BigInt(a), BigInt(b));
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return compareValues(a, b);
}

/** §11.3: a pre-release version has lower precedence than the associated normal version. */
function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  for (let i = 0; i < a.length && i < b.length; i++) {
    const diff = compareIdentifier(a[i] ?? '', b[i] ?? '');
    if (diff !== 0) return diff;
  }
  return Math.sign(a.length - b.length);
}

/** §11: major, minor, patch numerically (§11.2), then pre-release (§11.3-4); build is ignored. */
export function compareSemVer(a: SemVerVersion, b: SemVerVersion): number {
  return (
    compareValues(a.major, b.major) ||
    compareValues(a.minor, b.minor) ||
    compareValues(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}
