/** fast-check generators of well-formed versions, built to stress each ordering's corner cases. */
import fc from 'fast-check';
import { isValidVersion } from '../../src/versions/index.js';

const join = (parts: readonly string[]): string => parts.join('');

/** deb-version(7): digits (with leading zeros), letters of both cases, '~', '+', '.', '-'. */
const DEBIAN_TOKENS = [
  '0',
  '1',
  '9',
  '00',
  '01',
  '10',
  'a',
  'b',
  'z',
  'A',
  'Z',
  '~',
  '~~',
  '+',
  '.',
];
const debianDigits = fc.constantFrom('0', '1', '2', '9', '00', '01', '10', '010', '123');

const debianParts = fc.record({
  epoch: fc.option(fc.constantFrom('0', '00', '1', '2', '10'), { nil: undefined }),
  upstream: fc.tuple(
    debianDigits,
    fc.array(fc.constantFrom(...DEBIAN_TOKENS, '-'), { maxLength: 8 }).map(join),
  ),
  revision: fc.option(fc.array(fc.constantFrom(...DEBIAN_TOKENS), { minLength: 1, maxLength: 5 }), {
    nil: undefined,
  }),
});

/** [epoch:]upstream[-revision]; upstream keeps its hyphens only when a revision follows. */
export const debianVersion: fc.Arbitrary<string> = debianParts.map(
  ({ epoch, upstream, revision }) => {
    const head = upstream.join('');
    const text = revision === undefined ? head.replaceAll('-', '') : `${head}-${join(revision)}`;
    return epoch === undefined ? text : `${epoch}:${text}`;
  },
);

/** Edits that keep a version equal or move it by the smallest steps dpkg distinguishes. */
const DEBIAN_EDITS: readonly ((v: string) => string)[] = [
  (v) => v,
  (v) => `${v}~`,
  (v) => `${v}~~`,
  (v) => `${v}0`,
  (v) => `${v}a`,
  (v) => `${v}+`,
  (v) => `${v}.`,
  (v) => `${v}-0`,
  (v) => `0:${v}`,
  (v) => v.replace(/[0-9]+/, (digits) => `0${digits}`),
  (v) => v.replace(/[0-9]+$/, (digits) => `0${digits}`),
  (v) => v.replace(/~/, ''),
  (v) => v.replace(/[a-z]/, (c) => c.toUpperCase()),
];

/** Pairs of Debian versions: independent ones, and near neighbours of one another. */
export const debianPair: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  fc.tuple(debianVersion, debianVersion),
  fc
    .tuple(debianVersion, fc.constantFrom(...DEBIAN_EDITS), fc.boolean())
    .map(([v, edit, swap]): [string, string] => (swap ? [edit(v), v] : [v, edit(v)]))
    .filter(([a, b]) => isValidVersion('Debian', a) && isValidVersion('Debian', b)),
);

const semverNumber = fc.constantFrom('0', '1', '2', '10', '11', '9007199254740993');
const semverIdentifier = fc.constantFrom(
  '0',
  '1',
  '2',
  '10',
  'a',
  'A',
  'alpha',
  'beta',
  'rc',
  '-',
  'x-1',
);
const semverIdentifiers = fc.array(semverIdentifier, { minLength: 1, maxLength: 4 });

/** semver.org §2, §9, §10: MAJOR.MINOR.PATCH[-pre][+build]. */
export const semverVersion: fc.Arbitrary<string> = fc
  .tuple(
    fc.tuple(semverNumber, semverNumber, semverNumber),
    fc.option(semverIdentifiers, { nil: undefined }),
    fc.option(semverIdentifiers, { nil: undefined }),
  )
  .map(([core, pre, build]) => {
    const preText = pre === undefined ? '' : `-${pre.join('.')}`;
    const buildText = build === undefined ? '' : `+${build.join('.')}`;
    return `${core.join('.')}${preText}${buildText}`;
  });

const pepNumber = fc.constantFrom('0', '1', '2', '00', '10');
const pepSeparator = fc.constantFrom('', '.', '-', '_');
const pepLabel = fc.constantFrom('a', 'alpha', 'B', 'beta', 'c', 'rc', 'RC', 'pre', 'preview');

/** PEP 440 in every permitted spelling ("Normalization"). */
export const pep440Version: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(
      pepNumber.map((n) => `${n}!`),
      { nil: '' },
    ),
    fc.array(pepNumber, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
    fc.option(fc.tuple(pepSeparator, pepLabel, pepNumber).map(join), { nil: '' }),
    fc.option(
      fc.oneof(
        pepNumber.map((n) => `-${n}`),
        fc.tuple(pepSeparator, fc.constantFrom('post', 'rev', 'r'), pepNumber).map(join),
      ),
      { nil: '' },
    ),
    fc.option(fc.tuple(pepSeparator, fc.constantFrom('dev', 'DEV'), pepNumber).map(join), {
      nil: '',
    }),
    fc.option(fc.constantFrom('+local', '+abc.5', '+5', '+ABC-007', '+1.a'), { nil: '' }),
  )
  .map(join)
  .filter((v) => isValidVersion('PyPI', v));

/** rpmbuild's allowed characters: digits (leading zeros, long runs), letters, . _ + ~ ^. */
const RPM_TOKENS = [
  '0',
  '1',
  '2',
  '9',
  '00',
  '01',
  '10',
  '010',
  '123',
  '99999999999999999999',
  'a',
  'b',
  'z',
  'A',
  'Z',
  'rc',
  'el',
  'git',
  '.',
  '.',
  '_',
  '+',
  '~',
  '~~',
  '^',
  '^~',
  '~^',
];
const rpmPart = fc.array(fc.constantFrom(...RPM_TOKENS), { minLength: 1, maxLength: 7 }).map(join);

/** [epoch:]version[-release]. */
export const rpmVersion: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(fc.constantFrom('0', '00', '1', '2', '10'), { nil: undefined }),
    rpmPart,
    fc.option(rpmPart, { nil: undefined }),
  )
  .map(([epoch, version, release]) => {
    const evr = release === undefined ? version : `${version}-${release}`;
    return epoch === undefined ? evr : `${epoch}:${evr}`;
  });

/** Edits that keep an RPM version equal or move it by the smallest steps rpm distinguishes. */
const RPM_EDITS: readonly ((v: string) => string)[] = [
  (v) => v,
  (v) => `${v}~`,
  (v) => `${v}^`,
  (v) => `${v}~rc1`,
  (v) => `${v}^git1`,
  (v) => `${v}0`,
  (v) => `${v}a`,
  (v) => `${v}.`,
  (v) => `${v}_`,
  (v) => `${v}.1`,
  (v) => (v.includes('-') ? `${v}.1` : `${v}-1`),
  (v) => (v.includes(':') ? v : `0:${v}`),
  (v) => (v.includes(':') ? v : `1:${v}`),
  (v) => v.replace(/[0-9]+/, (digits) => `0${digits}`),
  (v) => v.replace(/\./, '_'),
  (v) => v.replace(/[~^]/, ''),
  (v) => v.replace(/[a-z]/, (c) => c.toUpperCase()),
];

/** Pairs of RPM versions: independent ones, and near neighbours of one another. */
export const rpmPair: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  fc.tuple(rpmVersion, rpmVersion),
  fc
    .tuple(rpmVersion, fc.constantFrom(...RPM_EDITS), fc.boolean())
    .map(([v, edit, swap]): [string, string] => (swap ? [edit(v), v] : [v, edit(v)]))
    .filter(([a, b]) => isValidVersion('Red Hat', a) && isValidVersion('Red Hat', b)),
);

export const VERSION_ARBITRARIES = {
  Debian: debianVersion,
  npm: semverVersion,
  SemVer: semverVersion.chain((v) => fc.constantFrom(v, `v${v}`)),
  PyPI: pep440Version,
  'Red Hat': rpmVersion,
  AlmaLinux: rpmVersion,
  'Rocky Linux': rpmVersion,
} as const;
