/** A finding: one advisory that affects one installed package (version) of one device. */
import type { CvssScore } from './cvss-score.js';

export interface VulnFinding {
  readonly advisoryId: string;
  readonly aliases: readonly string[];
  /** CVE ids named by the record (id, aliases, upstream, related): KEV and EPSS are keyed by them. */
  readonly cves: readonly string[];
  readonly summary: string | undefined;
  /** The OSV ecosystem string of the matching entry, e.g. 'Debian:12'. */
  readonly ecosystem: string;
  /** The package as the advisory names it (the source package for Debian). */
  readonly package: string;
  readonly installedVersion: string;
  /** The lowest fixed version above the installed one, when the advisory names one. */
  readonly fixedVersion: string | undefined;
  readonly matchedBy: 'range' | 'versions';
  /** The installed things this covers: binary packages, or lockfile paths. */
  readonly origins: readonly string[];
  /** The preferred CVSS score of the record (newest version), when it has one. */
  readonly cvss: CvssScore | undefined;
}
