/**
 * The OSV schema's "Evaluation" pseudocode: is a package version affected by an `affected[]`
 * entry? Ranges of type SEMVER and ECOSYSTEM are evaluated; GIT ranges need a repository and
 * are skipped. Versions are compared with the ordering of the range, never as strings.
 */
import { compareParsedVersions, isValidVersion, parseVersion } from '../versions/index.js';
import type { ParsedVersion, VersionEcosystem } from '../versions/index.js';
import { listOrderingOf, orderingOf } from './osv-ecosystem.js';
import type { OsvAffected, OsvEvent, OsvRange } from './osv-record.js';

export interface AffectedMatch {
  readonly via: 'range' | 'versions';
  /** The lowest "fixed" version above the installed one in the matching range, if any. */
  readonly fixed: string | undefined;
}

interface Point {
  readonly event: OsvEvent;
  /** undefined for introduced "0" (before everything) and limit "*" (after everything). */
  readonly at: ParsedVersion | undefined;
}

const TIE_ORDER: Readonly<Record<OsvEvent['kind'], number>> = {
  introduced: 0,
  fixed: 1,
  last_affected: 1,
  limit: 2,
};

function pointOf(event: OsvEvent, ordering: VersionEcosystem): Point {
  const special =
    (event.kind === 'introduced' && event.version === '0') ||
    (event.kind === 'limit' && event.version === '*');
  return { event, at: special ? undefined : parseVersion(ordering, event.version) };
}

function position(p: Point): number {
  if (p.at !== undefined) return 0;
  return p.event.kind === 'limit' ? 1 : -1;
}

/** "sorted(range.events)": by version, introduced "0" first, limit "*" last. */
function byVersion(a: Point, b: Point): number {
  const spread = position(a) - position(b);
  if (spread !== 0 || a.at === undefined || b.at === undefined) return spread;
  return compareParsedVersions(a.at, b.at) || TIE_ORDER[a.event.kind] - TIE_ORDER[b.event.kind];
}

function cmp(v: ParsedVersion, p: Point): number {
  if (p.at !== undefined) return compareParsedVersions(v, p.at);
  return p.event.kind === 'limit' ? -1 : 1;
}

/** "BeforeLimits": no limit means an implicit "*"; otherwise v must be below one of them. */
function beforeLimits(v: ParsedVersion, points: readonly Point[]): boolean {
  const limits = points.filter((p) => p.event.kind === 'limit');
  return limits.length === 0 || limits.some((p) => cmp(v, p) < 0);
}

/** A range's events parsed and sorted once per ordering (ranges are immutable once parsed). */
const SORTED = new WeakMap<OsvRange, Map<VersionEcosystem, readonly Point[]>>();

function sortedPoints(range: OsvRange, ordering: VersionEcosystem): readonly Point[] {
  let byOrdering = SORTED.get(range);
  if (byOrdering === undefined) {
    byOrdering = new Map();
    SORTED.set(range, byOrdering);
  }
  let points = byOrdering.get(ordering);
  if (points === undefined) {
    points = range.events.map((e) => pointOf(e, ordering)).sort(byVersion);
    byOrdering.set(ordering, points);
  }
  return points;
}

/** "IncludedInRanges" for one range, with the fix that ends the affected interval. */
function inRange(
  v: ParsedVersion,
  range: OsvRange,
  ordering: VersionEcosystem,
): AffectedMatch | undefined {
  const points = sortedPoints(range, ordering);
  if (!beforeLimits(v, points)) return undefined;
  let vulnerable = false;
  for (const p of points) {
    if (p.event.kind === 'introduced' && cmp(v, p) >= 0) vulnerable = true;
    else if (p.event.kind === 'fixed' && cmp(v, p) >= 0) vulnerable = false;
    else if (p.event.kind === 'last_affected' && cmp(v, p) > 0) vulnerable = false;
  }
  if (!vulnerable) return undefined;
  const fix = points.find((p) => p.event.kind === 'fixed' && cmp(v, p) < 0);
  return { via: 'range', fixed: fix?.event.version };
}

/** "IncludedInVersions": equal in the ecosystem's ordering, or as text where a listed version does not parse. */
function inVersions(version: string, affected: OsvAffected, ecosystem: string): boolean {
  if (affected.versions.length === 0) return false;
  const ordering = listOrderingOf(ecosystem);
  if (ordering === undefined) return affected.versions.includes(version);
  const v = parseVersion(ordering, version);
  return affected.versions.some((listed) =>
    isValidVersion(ordering, listed)
      ? compareParsedVersions(v, parseVersion(ordering, listed)) === 0
      : listed === version,
  );
}

/**
 * "IsVulnerable" for one affected entry whose package already matched. Throws INVALID_INPUT
 * when `version` is not a version of the range's ordering.
 */
export function evaluateAffected(
  version: string,
  affected: OsvAffected,
  ecosystem: string,
): AffectedMatch | undefined {
  for (const range of affected.ranges) {
    const ordering = orderingOf(ecosystem, range.type);
    if (ordering === undefined) continue;
    const match = inRange(parseVersion(ordering, version), range, ordering);
    if (match !== undefined) return match;
  }
  return inVersions(version, affected, ecosystem)
    ? { via: 'versions', fixed: undefined }
    : undefined;
}
