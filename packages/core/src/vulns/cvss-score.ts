/** A scored CVSS vector, whichever version it is. */
import type { CvssMetrics, CvssSeverity } from './cvss-vector.js';

export const CVSS_VERSIONS = ['3.0', '3.1', '4.0'] as const;
export type CvssVersion = (typeof CVSS_VERSIONS)[number];

export interface CvssScore {
  readonly version: CvssVersion;
  readonly vector: string;
  readonly metrics: CvssMetrics;
  /** The base score (v3) or CVSS-B score (v4, threat and environmental metrics at X). */
  readonly baseScore: number;
  readonly severity: CvssSeverity;
}

export type CvssResult =
  | { readonly ok: true; readonly score: CvssScore }
  | { readonly ok: false; readonly reason: string };
