/** CVSS vectors of any supported version, and the choice of one score among several. */
import type { CvssResult, CvssScore } from './cvss-score.js';
import { scoreCvss3 } from './cvss-v3.js';
import { scoreCvss4 } from './cvss-v4.js';

/** Scores a `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` vector. */
export function scoreCvss(vector: string): CvssResult {
  if (vector.startsWith('CVSS:3.0/') || vector.startsWith('CVSS:3.1/')) return scoreCvss3(vector);
  if (vector.startsWith('CVSS:4.0/')) return scoreCvss4(vector);
  return { ok: false, reason: 'not a CVSS v3.0, v3.1 or v4.0 vector (CVSS:3.x/ or CVSS:4.0/)' };
}

const PREFERENCE: Readonly<Record<CvssScore['version'], number>> = { '4.0': 3, '3.1': 2, '3.0': 1 };

/** The score of the newest CVSS version among the given ones; ties keep the first listed. */
export function preferredScore(scores: readonly CvssScore[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const score of scores) {
    if (best === undefined || PREFERENCE[score.version] > PREFERENCE[best.version]) best = score;
  }
  return best;
}
