/**
 * Matching: every target of an inventory against the advisory index, by OSV semantics. A
 * version that its ordering cannot read is reported, never guessed at.
 */
import { PatchcastError } from '../errors.js';
import { packageKey } from './advisory-index.js';
import type { AdvisoryIndex, IndexedAffected } from './advisory-index.js';
import { scoreCvss } from './cvss.js';
import { preferredScore } from './cvss.js';
import type { CvssScore } from './cvss-score.js';
import type { VulnFinding } from './finding.js';
import type { MatchTarget } from './match-target.js';
import { evaluateAffected } from './osv-evaluate.js';
import type { AffectedMatch } from './osv-evaluate.js';
import type { OsvRecord, OsvSeverity } from './osv-record.js';

export interface MatchProblem {
  readonly advisoryId: string;
  readonly package: string;
  readonly version: string;
  readonly reason: string;
}

export interface MatchResult {
  readonly findings: readonly VulnFinding[];
  readonly problems: readonly MatchProblem[];
}

const CVE = /^CVE-\d{4}-\d{4,}$/;

const CVES = new WeakMap<OsvRecord, readonly string[]>();

export function cvesOf(record: OsvRecord): readonly string[] {
  const cached = CVES.get(record);
  if (cached !== undefined) return cached;
  const ids = [record.id, ...record.aliases, ...record.upstream, ...record.related];
  const cves = [...new Set(ids.filter((id) => CVE.test(id)))];
  CVES.set(record, cves);
  return cves;
}

function cvssOf(severities: readonly OsvSeverity[]): CvssScore | undefined {
  const scores = severities.flatMap((s) => {
    const result = s.type === 'CVSS_V3' || s.type === 'CVSS_V4' ? scoreCvss(s.score) : undefined;
    return result?.ok === true ? [result.score] : [];
  });
  return preferredScore(scores);
}

function findingOf(entry: IndexedAffected, target: MatchTarget, match: AffectedMatch): VulnFinding {
  const { record, affected } = entry;
  return {
    advisoryId: record.id,
    aliases: record.aliases,
    cves: cvesOf(record),
    summary: record.summary,
    ecosystem: affected.package?.ecosystem ?? target.ecosystem,
    package: affected.package?.name ?? target.name,
    installedVersion: target.version,
    fixedVersion: match.fixed,
    matchedBy: match.via,
    origins: target.origins,
    cvss: entryCvss(entry),
  };
}

/** The CVSS score of an index entry, computed once (records are immutable once parsed). */
const CVSS = new WeakMap<IndexedAffected, { readonly score: CvssScore | undefined }>();

function entryCvss(entry: IndexedAffected): CvssScore | undefined {
  let cached = CVSS.get(entry);
  if (cached === undefined) {
    cached = { score: cvssOf([...entry.record.severity, ...entry.affected.severity]) };
    CVSS.set(entry, cached);
  }
  return cached.score;
}

function appliesTo(entry: IndexedAffected, target: MatchTarget): boolean {
  return entry.release === undefined || entry.release === target.release;
}

function evaluate(
  entry: IndexedAffected,
  target: MatchTarget,
): AffectedMatch | MatchProblem | undefined {
  try {
    return evaluateAffected(
      target.version,
      entry.affected,
      entry.affected.package?.ecosystem ?? target.ecosystem,
    );
  } catch (error) {
    if (!(error instanceof PatchcastError) || error.code !== 'INVALID_INPUT') throw error;
    return {
      advisoryId: entry.record.id,
      package: target.name,
      version: target.version,
      reason: error.message,
    };
  }
}

function matchTarget(
  target: MatchTarget,
  index: AdvisoryIndex,
  out: { findings: VulnFinding[]; problems: MatchProblem[] },
): void {
  const entries = index.byPackage.get(packageKey(target.ecosystem, target.name));
  if (entries === undefined) return;
  const seen = entries.length > 1 ? new Set<string>() : undefined;
  for (const entry of entries) {
    if (seen?.has(entry.record.id) === true || !appliesTo(entry, target)) continue;
    const result = evaluate(entry, target);
    if (result === undefined) continue;
    seen?.add(entry.record.id);
    if ('reason' in result) out.problems.push(result);
    else out.findings.push(findingOf(entry, target, result));
  }
}

export function matchTargets(targets: readonly MatchTarget[], index: AdvisoryIndex): MatchResult {
  const out = { findings: [] as VulnFinding[], problems: [] as MatchProblem[] };
  for (const target of targets) matchTarget(target, index, out);
  return out;
}
